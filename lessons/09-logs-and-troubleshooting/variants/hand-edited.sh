# Correct variant (fault main-cf-typo): main.cf edited by hand, as with an editor: the broken line
# commented out rather than mended, a right one appended at the end with the domain typed out and a
# comment, then postfix started (not restarted) once postfix check is quiet.
sed -i -E 's/^(mydestination[[:space:]]+\$myhostname.*)$/# broken, kept for the record: \1/' /etc/postfix/main.cf
cat >>/etc/postfix/main.cf <<'CF'

# Mended after the tidy-up: the server is the final destination for the domain.
mydestination = server.example.com, localhost.example.com, localhost, example.com
CF
postfix check || exit 1
systemctl start postfix
systemctl is-active --quiet postfix || exit 1
