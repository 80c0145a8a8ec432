# Known mistake: the cause fixed, then systemctl restart postfix in the belief that a restart retries the
# queue. It does not: qmgr takes deferred mail only when its retry time has come.
postconf -e 'relayhost = [server.example.com]'
systemctl restart postfix
