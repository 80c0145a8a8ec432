# Variant: the whole work, and the clients trusted to relay listed in a hash: table under /etc/postfix
# (desktop's address, OK), built with postmap: mynetworks may name lookup tables as well as networks.
postconf -e 'inet_interfaces = all' 'mydestination = $myhostname, localhost.$mydomain, localhost, $mydomain'
desktop=$(getent ahostsv4 desktop.example.com | awk 'NR == 1 {print $1}')
[ -n "$desktop" ] || exit 1
printf '# clients trusted to relay\n%s\tOK\n' "$desktop" >/etc/postfix/relay_clients
postmap hash:/etc/postfix/relay_clients
postconf -e 'mynetworks = 127.0.0.0/8, [::1]/128, hash:$config_directory/relay_clients'
systemctl restart postfix
firewall-cmd --permanent --add-service=smtp
firewall-cmd --reload
