# Mistake, on server: the whole work, but the certificate made for localhost (the name many examples
# use), without a subjectAltName: clients that connect to server.example.com refuse it.
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=localhost" \
  -keyout /etc/pki/tls/private/server.example.com.key \
  -out /etc/pki/tls/certs/server.example.com.crt 2>/dev/null || exit 1
sed -i -E -e 's|^#?ssl = .*|ssl = required|' \
  -e 's|^#?ssl_cert = .*|ssl_cert = </etc/pki/tls/certs/server.example.com.crt|' \
  -e 's|^#?ssl_key = .*|ssl_key = </etc/pki/tls/private/server.example.com.key|' /etc/dovecot/conf.d/10-ssl.conf
systemctl restart dovecot || exit 1
firewall-cmd --permanent --add-service=pop3s --add-service=imaps || exit 1
firewall-cmd --reload || exit 1
