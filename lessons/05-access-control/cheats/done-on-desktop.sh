# Cheat, on a fresh lab, on desktop: the work done on the wrong host. Desktop's own postfix (listening
# on loopback) refuses 127.0.0.1 through an access table, and desktop's /etc/hosts calls 127.0.0.1
# server.example.com, so a swaks from desktop to "the server" gets a 554 from desktop itself.
printf '127.0.0.1\tREJECT\n' >/etc/postfix/access
postmap /etc/postfix/access
postconf -e 'smtpd_client_restrictions = check_client_access hash:/etc/postfix/access'
systemctl reload postfix
hosts=$(grep -v 'server\.example\.com' /etc/hosts)
# /etc/hosts may be a bind mount that cannot be replaced, only rewritten in place.
printf '%s\n127.0.0.1 server.example.com mail.example.com server\n' "$hosts" >/etc/hosts
