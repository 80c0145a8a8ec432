# Known mistake: a null client without masquerading; mail leaves as root@desktop.example.com.
postconf -e 'inet_interfaces = loopback-only' 'mynetworks = 127.0.0.0/8 [::1]/128' 'mydestination =' \
  'local_transport = error: local delivery disabled' 'relayhost = [server.example.com]'
systemctl restart postfix
