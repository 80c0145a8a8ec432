# Cheat, on a fresh lab, on desktop: the work done on the wrong host. Desktop gets the aliases, receives
# for example.com on every interface (it runs no firewall), and its own /etc/hosts calls it
# server.example.com.
printf '%s\n' 'hr:       jerry' 'managers: kelly, li' >>/etc/aliases
newaliases
postconf -e 'inet_interfaces = all' 'mydestination = $myhostname, localhost.$mydomain, localhost, $mydomain, server.example.com'
systemctl restart postfix
desktop_ip=$(getent ahostsv4 desktop.example.com | awk '{print $1; exit}')
hosts=$(grep -v 'server\.example\.com' /etc/hosts)
# /etc/hosts may be a bind mount that cannot be replaced, only rewritten in place.
printf '%s\n%s server.example.com mail.example.com server\n' "$hosts" "$desktop_ip" >/etc/hosts
