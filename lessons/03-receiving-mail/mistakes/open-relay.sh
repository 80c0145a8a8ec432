# Known mistake: the whole work, plus mynetworks = 0.0.0.0/0 "so that everyone can send": every host
# on the Internet is now trusted to relay through the server.
postconf -e 'inet_interfaces = all' 'mydestination = $myhostname, localhost.$mydomain, localhost, $mydomain' \
  'mynetworks = 0.0.0.0/0'
systemctl restart postfix
firewall-cmd --permanent --add-service=smtp
firewall-cmd --reload
