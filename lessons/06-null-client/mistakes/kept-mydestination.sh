# Known mistake: local delivery switched off, but desktop still lists its own names in mydestination.
postconf -e 'inet_interfaces = loopback-only' 'mynetworks = 127.0.0.0/8 [::1]/128' \
  'local_transport = error: local delivery disabled' 'myorigin = $mydomain' 'relayhost = [server.example.com]'
systemctl restart postfix
