# Reference solution on desktop: a null client that relays everything through the server (lesson 06).
postconf -e 'inet_interfaces = loopback-only' 'mynetworks = 127.0.0.0/8 [::1]/128' 'mydestination =' \
  'local_transport = error: local delivery disabled' 'myorigin = $mydomain' 'relayhost = [server.example.com]'
systemctl enable postfix
systemctl restart postfix
