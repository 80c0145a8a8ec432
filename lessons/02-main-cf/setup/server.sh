# Lesson 02 setup on server: postfix with RHEL 9's main.cf, enabled and running, plus the line a
# colleague added so that mail would leave as user@example.com — with the parameter's name misspelt.
# Postfix ignores a name it does not know (postconf and postfix check warn "unused parameter"), so
# myorigin is still its default, $myhostname. The student finds the typo and sets myorigin properly.
cat >>/etc/postfix/main.cf <<'CF'

# Mail from this server should look like user@example.com, not user@server.example.com.
myorgin = $mydomain
CF
systemctl enable postfix >/dev/null 2>&1
systemctl restart postfix
systemctl is-active --quiet postfix || { echo "postfix did not start on server" >&2; exit 1; }
