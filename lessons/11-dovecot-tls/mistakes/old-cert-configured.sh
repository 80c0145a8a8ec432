# Mistake, on server: a good certificate and key made in /etc/pki/tls, TLS switched back on and the
# firewall opened, but ssl_cert and ssl_key left as they were: dovecot serves its old throwaway
# certificate (CN=imap.example.com) and the new one lies unused.
openssl req -x509 -newkey rsa:2048 -nodes -days 365 \
  -subj "/CN=server.example.com" \
  -addext "subjectAltName=DNS:server.example.com,DNS:mail.example.com" \
  -keyout /etc/pki/tls/private/server.example.com.key \
  -out /etc/pki/tls/certs/server.example.com.crt 2>/dev/null || exit 1
sed -i -E 's|^#?ssl = .*|ssl = required|' /etc/dovecot/conf.d/10-ssl.conf
systemctl restart dovecot || exit 1
firewall-cmd --permanent --add-service=pop3s --add-service=imaps || exit 1
firewall-cmd --reload || exit 1
