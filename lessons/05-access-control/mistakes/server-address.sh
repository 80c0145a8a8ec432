# Known mistake: the address shown by ip addr on server (server's own) refused instead of desktop's.
read -r addr network < <(ip -4 -o addr show scope global | awk '{split($4, a, "/"); split(a[1], o, "."); print a[1], o[1] "." o[2]; exit}')
printf '%s\tOK\n%s\tREJECT\n' "$network" "$addr" >/etc/postfix/access
postmap /etc/postfix/access
postconf -e 'smtpd_client_restrictions = check_client_access hash:/etc/postfix/access'
systemctl reload postfix
