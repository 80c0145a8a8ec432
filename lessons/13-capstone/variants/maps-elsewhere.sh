# Variant, after the reference solution on server: postfix's tables under $config_directory with names
# of the site's own. The sales alias leaves /etc/aliases for a second alias table,
# hash:/etc/postfix/aliases-extra (built with postalias, listed in alias_maps after the system's), and
# the sender table moves to /etc/postfix/maps/senders; the old access table is emptied.
sed -i -E '/^sales:/d' /etc/aliases
newaliases
printf 'sales: jerry, kelly\n' >/etc/postfix/aliases-extra
postalias /etc/postfix/aliases-extra || exit 1
postconf -e 'alias_maps = hash:/etc/aliases, hash:/etc/postfix/aliases-extra'
install -d -m 0755 /etc/postfix/maps
printf '# senders we take nothing from\njunk.example.net    REJECT\n' >/etc/postfix/maps/senders
postmap /etc/postfix/maps/senders || exit 1
: >/etc/postfix/access
postmap /etc/postfix/access
postconf -e 'smtpd_sender_restrictions = check_sender_access hash:/etc/postfix/maps/senders'
systemctl reload postfix || exit 1
exit 0
