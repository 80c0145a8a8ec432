# Cheat: inet_interfaces = loopback-only in main.cf, but master.cf's smtp service bound to 0.0.0.0
# (which listens on every address whatever inet_interfaces says), with firewalld's default zone (no
# smtp) hiding port 25 from other hosts so that the grader's connection fails.
postconf -e 'inet_interfaces = loopback-only' 'mynetworks = 127.0.0.0/8 [::1]/128' 'mydestination =' \
  'local_transport = error: local delivery disabled' 'myorigin = $mydomain' 'relayhost = [server.example.com]'
sed -i -E 's/^smtp([[:space:]]+inet[[:space:]])/0.0.0.0:smtp\1/' /etc/postfix/master.cf
systemctl restart postfix
ss -ltn 'sport = :25' | grep -q '0.0.0.0:25' || exit 1
systemctl start firewalld
firewall-cmd --state
sleep 1
