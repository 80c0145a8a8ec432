# Known mistake: the whole work, plus RHEL 7's old default mynetworks_style = subnet (as in the notes'
# postfix 2.10): every host on server's network, the grader included, may relay.
postconf -e 'inet_interfaces = all' 'mydestination = $myhostname, localhost.$mydomain, localhost, $mydomain' \
  'mynetworks_style = subnet'
systemctl restart postfix
firewall-cmd --permanent --add-service=smtp
firewall-cmd --reload
