# Known mistake: postfix right, and the firewall switched off instead of opened for smtp.
postconf -e 'inet_interfaces = all' 'mydestination = $myhostname, localhost.$mydomain, localhost, $mydomain'
systemctl restart postfix
systemctl disable --now firewalld
