# Correct variant, on server, after the whole exam: the certificate and its key in one PEM file, as the
# notes' `make dovecot.pem` wrote it, kept readable by root alone (0600), and named by both ssl_cert and
# ssl_key; dovecot reads each from it.
(umask 077 && openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj /CN=server.example.com \
  -addext 'subjectAltName = DNS:server.example.com, DNS:mail.example.com' \
  -keyout /etc/pki/dovecot/private/server.key -out /etc/pki/dovecot/private/server.crt 2>/dev/null) || exit 1
(umask 077 && cat /etc/pki/dovecot/private/server.crt /etc/pki/dovecot/private/server.key >/etc/pki/dovecot/private/server.pem)
rm -f /etc/pki/dovecot/private/server.crt /etc/pki/dovecot/private/server.key
chmod 600 /etc/pki/dovecot/private/server.pem
sed -i -E -e 's|^#?ssl_cert = .*|ssl_cert = </etc/pki/dovecot/private/server.pem|' \
  -e 's|^#?ssl_key = .*|ssl_key = </etc/pki/dovecot/private/server.pem|' /etc/dovecot/conf.d/10-ssl.conf
systemctl restart dovecot || exit 1
systemctl -q is-active dovecot || exit 1
