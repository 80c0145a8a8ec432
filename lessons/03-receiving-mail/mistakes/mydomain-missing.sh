# Known mistake: listening everywhere with the firewall open, but mydestination left at RHEL's
# default, which lists the host's names and not the domain: mail for student@example.com is relaying.
postconf -e 'inet_interfaces = all'
systemctl restart postfix
firewall-cmd --permanent --add-service=smtp
firewall-cmd --reload
