# Known mistake: postfix right, smtp added with --permanent but never loaded: the running firewall
# still rejects port 25.
postconf -e 'inet_interfaces = all' 'mydestination = $myhostname, localhost.$mydomain, localhost, $mydomain'
systemctl restart postfix
firewall-cmd --permanent --add-service=smtp
