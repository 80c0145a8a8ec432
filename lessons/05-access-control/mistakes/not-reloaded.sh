# Known mistake: the table written and built, a test from desktop's side before the restriction (an
# smtpd process starts and stays for its idle time), then smtpd_client_restrictions set without a
# reload: the running smtpd still works with the old main.cf and lets desktop in.
desktop=$(getent ahostsv4 desktop.example.com | awk 'NR == 1 {print $1}')
network=$(ip -4 -o addr show scope global | awk '{split($4, a, "."); print a[1] "." a[2]; exit}')
printf '%s\tOK\n%s\tREJECT\n' "$network" "$desktop" >/etc/postfix/access
postmap /etc/postfix/access
swaks --server server.example.com --to student@example.com --quit-after RCPT >/dev/null 2>&1 || exit 1
postconf -e 'smtpd_client_restrictions = check_client_access hash:/etc/postfix/access'
