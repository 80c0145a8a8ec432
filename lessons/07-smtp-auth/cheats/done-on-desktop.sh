# Cheat, on a fresh lab, on desktop: the work done on the wrong host. Desktop receives on every
# interface with SMTP AUTH through its own saslauthd, and desktop's own /etc/hosts calls it
# server.example.com.
systemctl enable --now saslauthd
postconf -e 'inet_interfaces = all' 'smtpd_sasl_auth_enable = yes' 'smtpd_sasl_security_options = noanonymous' \
  'smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination' \
  'mydestination = $myhostname, localhost.$mydomain, localhost, $mydomain, server.example.com'
systemctl restart postfix
desktop_ip=$(getent ahostsv4 desktop.example.com | awk '{print $1; exit}')
hosts=$(grep -v 'server\.example\.com' /etc/hosts)
# /etc/hosts may be a bind mount that cannot be replaced, only rewritten in place.
printf '%s\n%s server.example.com mail.example.com server\n' "$hosts" "$desktop_ip" >/etc/hosts
