# Correct variant: equivalent spellings: a btree table (also access.db), named through
# ${config_directory}; desktop refused with an explicit 554 code and text instead of REJECT; the network
# as two octets; and a restart instead of a reload.
desktop=$(getent ahostsv4 desktop.example.com | awk 'NR == 1 {print $1}')
network=$(ip -4 -o addr show scope global | awk '{split($4, a, "."); print a[1] "." a[2]; exit}')
printf '%s 554 5.7.1 Go away, desktop\n%s OK\n' "$desktop" "$network" >/etc/postfix/access
postmap btree:/etc/postfix/access
postconf -e 'smtpd_client_restrictions = check_client_access btree:${config_directory}/access'
systemctl restart postfix
