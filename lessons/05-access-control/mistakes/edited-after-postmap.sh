# Known mistake: the network line written and built with postmap, the restriction set and reloaded;
# then desktop's REJECT appended to the text file, and postmap not run again: access.db still lets
# desktop in as a member of the network.
desktop=$(getent ahostsv4 desktop.example.com | awk 'NR == 1 {print $1}')
network=$(ip -4 -o addr show scope global | awk '{split($4, a, "."); print a[1] "." a[2]; exit}')
printf '%s\tOK\n' "$network" >/etc/postfix/access
postmap /etc/postfix/access
postconf -e 'smtpd_client_restrictions = check_client_access hash:/etc/postfix/access'
systemctl reload postfix
sleep 1
printf '%s\tREJECT\n' "$desktop" >>/etc/postfix/access
