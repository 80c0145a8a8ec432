# Cheat, on a fresh lab, on desktop: the work done on the wrong host. Desktop's own dovecot serves its
# own spool over POP3S and IMAPS with a certificate for server.example.com, and desktop's /etc/hosts
# calls desktop server.example.com, so clients on desktop talk to desktop.
openssl req -x509 -newkey rsa:2048 -nodes -days 365 \
  -subj "/CN=server.example.com" \
  -addext "subjectAltName=DNS:server.example.com,DNS:mail.example.com" \
  -keyout /etc/pki/tls/private/server.example.com.key \
  -out /etc/pki/tls/certs/server.example.com.crt 2>/dev/null || exit 1
sed -i -E 's|^#?mail_location =.*|mail_location = mbox:~/mail:INBOX=/var/mail/%u|' /etc/dovecot/conf.d/10-mail.conf
sed -i -E 's|^#?mail_privileged_group =.*|mail_privileged_group = mail|' /etc/dovecot/conf.d/10-mail.conf
sed -i -E -e 's|^#?ssl = .*|ssl = required|' \
  -e 's|^#?ssl_cert = .*|ssl_cert = </etc/pki/tls/certs/server.example.com.crt|' \
  -e 's|^#?ssl_key = .*|ssl_key = </etc/pki/tls/private/server.example.com.key|' /etc/dovecot/conf.d/10-ssl.conf
systemctl enable --now dovecot || exit 1
desktop_ip=$(getent ahostsv4 desktop.example.com | awk 'NR == 1 {print $1}')
hosts=$(grep -v 'server\.example\.com' /etc/hosts)
# /etc/hosts may be a bind mount that cannot be replaced, only rewritten in place.
printf '%s\n%s server.example.com mail.example.com server\n' "$hosts" "$desktop_ip" >/etc/hosts
