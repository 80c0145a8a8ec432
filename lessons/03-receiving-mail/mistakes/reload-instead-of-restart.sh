# Known mistake: every setting right and the firewall open, but `systemctl reload postfix` after
# changing inet_interfaces: the master process keeps its one socket on 127.0.0.1:25.
postconf -e 'inet_interfaces = all' 'mydestination = $myhostname, localhost.$mydomain, localhost, $mydomain'
systemctl reload postfix
firewall-cmd --permanent --add-service=smtp
firewall-cmd --reload
