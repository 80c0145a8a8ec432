# Known mistake: the domain typed out instead of referred to. It expands to the right domain and mail
# leaves as root@example.com; only the reference is missing.
postconf -X myorgin
postconf -e 'myorigin = example.com'
systemctl reload postfix
