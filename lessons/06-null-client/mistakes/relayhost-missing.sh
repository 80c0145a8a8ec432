# Known mistake: the notes' four lines plus myorigin, but no relayhost: desktop cannot find example.com.
postconf -e 'inet_interfaces = loopback-only' 'mynetworks = 127.0.0.0/8 [::1]/128' 'mydestination =' \
  'local_transport = error: local delivery disabled' 'myorigin = $mydomain'
systemctl restart postfix
