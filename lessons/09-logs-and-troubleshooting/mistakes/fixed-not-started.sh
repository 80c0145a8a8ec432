# Known mistake (fault main-cf-typo): the student finds the broken line with postfix check and mends
# it, but never starts postfix again: it failed to start when the typo was made, and stays down.
sed -i -E 's/^mydestination[[:space:]]+\$myhostname/mydestination = $myhostname/' /etc/postfix/main.cf
postfix check || exit 1
systemctl is-failed --quiet postfix || exit 1
