# Variant, on server: an elliptic-curve key (P-256) instead of RSA, key and certificate in a directory
# of their own under /etc/dovecot (the key 0400), a certificate made for mail.example.com with both
# names in its subjectAltName, the settings in a conf.d file read after 10-ssl.conf with ssl = yes,
# dovecot reloaded (not restarted), and the two ports opened at runtime, then saved with
# --runtime-to-permanent.
install -d -m 0700 /etc/dovecot/tls
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 730 \
  -subj "/O=Example/CN=mail.example.com" \
  -addext "subjectAltName=DNS:mail.example.com,DNS:server.example.com" \
  -keyout /etc/dovecot/tls/mail.key -out /etc/dovecot/tls/mail.crt 2>/dev/null || exit 1
chmod 400 /etc/dovecot/tls/mail.key
chmod 644 /etc/dovecot/tls/mail.crt
cat >/etc/dovecot/conf.d/99-tls.conf <<'CONF'
# TLS for POP3S and IMAPS, read after 10-ssl.conf (the later value wins)
ssl = yes
ssl_cert = </etc/dovecot/tls/mail.crt
ssl_key = </etc/dovecot/tls/mail.key
CONF
systemctl reload dovecot || exit 1
wait_until 10 bash -c 'ss -ltn | grep -q ":993 "' || exit 1
firewall-cmd --add-port=993/tcp --add-port=995/tcp || exit 1
firewall-cmd --runtime-to-permanent || exit 1
