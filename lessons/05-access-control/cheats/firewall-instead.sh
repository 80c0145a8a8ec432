# Cheat, on a fresh lab, on server: the network listed OK in the access table and the restriction on,
# but desktop shut out by firewalld (a rich rule rejecting its address) instead of by the table, so its
# connection never reaches postfix.
desktop=$(getent ahostsv4 desktop.example.com | awk 'NR == 1 {print $1}')
network=$(ip -4 -o addr show scope global | awk '{split($4, a, "."); print a[1] "." a[2]; exit}')
printf '%s\tOK\n' "$network" >/etc/postfix/access
postmap /etc/postfix/access
postconf -e 'smtpd_client_restrictions = check_client_access hash:/etc/postfix/access'
systemctl reload postfix
firewall-cmd -q --permanent --add-rich-rule="rule family=ipv4 source address=$desktop reject" || exit 1
firewall-cmd -q --reload || exit 1
