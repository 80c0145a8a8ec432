# Known mistake: postfix right, smtp allowed in the running firewall only (no --permanent): the next
# firewall-cmd --reload or reboot closes port 25 again.
postconf -e 'inet_interfaces = all' 'mydestination = $myhostname, localhost.$mydomain, localhost, $mydomain'
systemctl restart postfix
firewall-cmd --add-service=smtp
