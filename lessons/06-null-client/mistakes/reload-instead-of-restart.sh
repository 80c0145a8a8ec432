# Known mistake: every setting right, but `systemctl reload`: the master keeps listening on all interfaces.
postconf -e 'inet_interfaces = loopback-only' 'mynetworks = 127.0.0.0/8 [::1]/128' 'mydestination =' \
  'local_transport = error: local delivery disabled' 'myorigin = $mydomain' 'relayhost = [server.example.com]'
systemctl reload postfix
sleep 1
