# Correct variant, on desktop: inet_interfaces left at all, and master.cf's smtp service bound to
# loopback by name instead (`localhost:25`): a service line that names its host listens there only,
# so desktop's postfix receives nothing from other hosts.
postconf -e 'inet_interfaces = all' 'mynetworks = 127.0.0.0/8 [::1]/128' 'mydestination =' \
  'local_transport = error: local delivery disabled' 'myorigin = $mydomain' 'relayhost = [server.example.com]'
sed -i -E 's/^smtp([[:space:]]+inet[[:space:]])/#&/' /etc/postfix/master.cf
printf '%s\n' 'localhost:25 inet n - n - - smtpd' >>/etc/postfix/master.cf
systemctl enable postfix
systemctl restart postfix
ss -ltn 'sport = :25' | grep -q '127.0.0.1:25' || exit 1
