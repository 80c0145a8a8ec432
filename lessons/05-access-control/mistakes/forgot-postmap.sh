# Known mistake: the table written and smtpd_client_restrictions set and reloaded, but postmap never
# run: there is no access.db, so postfix cannot read the table and answers every client with 451.
desktop=$(getent ahostsv4 desktop.example.com | awk 'NR == 1 {print $1}')
network=$(ip -4 -o addr show scope global | awk '{split($4, a, "."); print a[1] "." a[2]; exit}')
printf '%s\tOK\n%s\tREJECT\n' "$network" "$desktop" >/etc/postfix/access
rm -f /etc/postfix/access.db
postconf -e 'smtpd_client_restrictions = check_client_access hash:/etc/postfix/access'
systemctl reload postfix
