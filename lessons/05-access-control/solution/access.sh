# Reference solution on server: the access table lets the lab network in (the notes' "192.168.0 OK" form:
# the network's leading whole octets) and refuses desktop by its address; postmap builds access.db;
# smtpd_client_restrictions asks the table about every client; a reload makes smtpd read main.cf again.
desktop=$(getent ahostsv4 desktop.example.com | awk 'NR == 1 {print $1}')
read -r addr len < <(ip -4 -o addr show scope global | awk '{split($4, a, "/"); print a[1], a[2]; exit}')
[ -n "$desktop" ] && [ -n "$addr" ] || { echo "cannot find desktop's or server's address" >&2; exit 1; }
octets=$((len / 8))
[ "$octets" -ge 1 ] || octets=1
network=$(cut -d. -f1-"$octets" <<<"$addr")
printf '%s\tOK\n%s\tREJECT\n' "$network" "$desktop" >/etc/postfix/access
postmap /etc/postfix/access
postconf -e 'smtpd_client_restrictions = check_client_access hash:/etc/postfix/access'
systemctl reload postfix
