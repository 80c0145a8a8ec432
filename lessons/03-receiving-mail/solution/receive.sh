# Reference solution on server (lessons 04, 05 and 07 build on it): postfix receives for example.com
# on every interface, and firewalld lets SMTP in now and after every reload or reboot.
postconf -e 'inet_interfaces = all'
postconf -e 'mydestination = $myhostname, localhost.$mydomain, localhost, $mydomain'
systemctl restart postfix
firewall-cmd --permanent --add-service=smtp
firewall-cmd --reload
