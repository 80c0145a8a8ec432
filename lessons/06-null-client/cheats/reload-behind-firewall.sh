# Cheat: the reload mistake, with firewalld's default zone (no smtp) hiding port 25 from other hosts, so
# that the grader's connection fails while postfix still listens on every interface.
postconf -e 'inet_interfaces = loopback-only' 'mynetworks = 127.0.0.0/8 [::1]/128' 'mydestination =' \
  'local_transport = error: local delivery disabled' 'myorigin = $mydomain' 'relayhost = [server.example.com]'
systemctl reload postfix
systemctl start firewalld
firewall-cmd --state
sleep 1
