# Cheat, on a fresh lab: postfix right, smtp written into the saved zone so that it looks right, and
# firewalld stopped and masked, so that nothing filters now and nothing would after a reboot.
postconf -e 'inet_interfaces = all' 'mydestination = $myhostname, localhost.$mydomain, localhost, $mydomain'
systemctl restart postfix
firewall-cmd --permanent --add-service=smtp
systemctl mask --now firewalld
