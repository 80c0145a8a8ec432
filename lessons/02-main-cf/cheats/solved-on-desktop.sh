# Cheat (the work done on the wrong host), on a fresh lab: the whole exercise done in desktop's
# terminal instead of server's, desktop's postfix started with it, and a test message sent there.
# Server stays as setup left it.
postconf -e 'myorigin = $mydomain'
systemctl enable --now postfix >/dev/null 2>&1
systemctl reload postfix
postfix check
echo "sent on desktop" | mail -s "test" root@desktop.example.com
