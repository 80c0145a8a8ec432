# Reference solution on desktop: the notes' null client, with the RHEL 9 details (restart, [::1]).
postconf -e 'inet_interfaces = loopback-only'
postconf -e 'mynetworks = 127.0.0.0/8 [::1]/128'
postconf -e 'mydestination ='
postconf -e 'local_transport = error: local delivery disabled'
postconf -e 'myorigin = $mydomain'
postconf -e 'relayhost = [server.example.com]'
systemctl restart postfix
