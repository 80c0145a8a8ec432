# Known mistake: relayhost without square brackets, so postfix looks up MX records for the name.
postconf -e 'inet_interfaces = loopback-only' 'mynetworks = 127.0.0.0/8 [::1]/128' 'mydestination =' \
  'local_transport = error: local delivery disabled' 'myorigin = $mydomain' 'relayhost = server.example.com'
systemctl restart postfix
