# Cheat, on desktop: the null client's main.cf, but master.cf's smtp service bound to desktop's own
# address (which listens there whatever inet_interfaces says), with firewalld's default zone (no
# smtp) hiding port 25 from other hosts so that the grader's connection fails.
postconf -e 'inet_interfaces = loopback-only' 'mynetworks = 127.0.0.0/8 [::1]/128' 'mydestination =' \
  'local_transport = error: local delivery disabled' 'myorigin = $mydomain' 'relayhost = [server.example.com]'
address=$(ip -4 -o addr show dev eth0 | awk '{split($4, a, "/"); print a[1]; exit}')
sed -i -E "s/^smtp([[:space:]]+inet[[:space:]])/$address:smtp\1/" /etc/postfix/master.cf
systemctl enable postfix
systemctl restart postfix
ss -ltn 'sport = :25' | grep -q "$address:25" || exit 1
systemctl start firewalld
firewall-cmd --state
sleep 1
