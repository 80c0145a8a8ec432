# Known mistake: a null client relaying to the submission port, where the server does not listen.
postconf -e 'inet_interfaces = loopback-only' 'mynetworks = 127.0.0.0/8 [::1]/128' 'mydestination =' \
  'local_transport = error: local delivery disabled' 'myorigin = $mydomain' 'relayhost = [server.example.com]:587'
systemctl restart postfix
