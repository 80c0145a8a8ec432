# Known mistake: main.cf edited by hand with a comment at the end of the line, as in a shell script.
# In main.cf the comment becomes part of the value; postfix refuses it, so the reload fails.
sed -i '/^myorgin/d' /etc/postfix/main.cf
echo 'myorigin = $mydomain    # mail leaves as user@example.com' >>/etc/postfix/main.cf
systemctl reload postfix 2>/dev/null
exit 0
