# Cheat, on a fresh lab, on desktop: the work done on the wrong host. Desktop, whose own postfix is
# not broken, receives for example.com itself on every interface (so mail sent there lands in a
# mailbox on desktop), and its /etc/hosts calls it server.example.com and mail.example.com.
postconf -e 'inet_interfaces = all' 'mydestination = $myhostname, localhost.$mydomain, localhost, $mydomain' \
  'local_transport = local:$myhostname'
systemctl restart postfix
desktop_ip=$(getent ahostsv4 desktop.example.com | awk '{print $1; exit}')
hosts=$(grep -v 'server\.example\.com' /etc/hosts)
# /etc/hosts may be a bind mount that cannot be replaced, only rewritten in place.
printf '%s\n%s server.example.com mail.example.com server\n' "$hosts" "$desktop_ip" >/etc/hosts
