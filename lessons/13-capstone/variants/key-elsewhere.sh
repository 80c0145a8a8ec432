# Correct variant, on server, after the whole exam: a new EC key and a certificate for the server's
# names kept where the site likes them, under file names of its own (no .key or .pem), the key at
# 0400, 10-ssl.conf pointed at them, dovecot restarted.
mkdir -p /etc/pki/mail/keys /etc/pki/mail/certs && chmod 700 /etc/pki/mail/keys || exit 1
(umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
  -subj '/O=Example/CN=mail.example.com' -addext 'subjectAltName = DNS:mail.example.com, DNS:server.example.com' \
  -keyout /etc/pki/mail/keys/imap-2026 -out /etc/pki/mail/certs/imap-2026.crt 2>/dev/null) || exit 1
chmod 400 /etc/pki/mail/keys/imap-2026 && chmod 644 /etc/pki/mail/certs/imap-2026.crt
sed -i -E -e 's|^#?ssl_cert = .*|ssl_cert = </etc/pki/mail/certs/imap-2026.crt|' \
  -e 's|^#?ssl_key = .*|ssl_key = </etc/pki/mail/keys/imap-2026|' /etc/dovecot/conf.d/10-ssl.conf
systemctl restart dovecot || exit 1
[ "$(doveconf -h ssl_key)" = '</etc/pki/mail/keys/imap-2026' ] || exit 1
