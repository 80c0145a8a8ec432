# Cheat, on a fresh lab: postfix right, and instead of allowing smtp, the default zone switched to
# "trusted", which accepts every connection: the firewall runs but filters nothing.
postconf -e 'inet_interfaces = all' 'mydestination = $myhostname, localhost.$mydomain, localhost, $mydomain'
systemctl restart postfix
firewall-cmd --set-default-zone=trusted
