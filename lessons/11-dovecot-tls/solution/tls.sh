# Reference solution on server: a self-signed certificate for the server's names (server.example.com,
# mail.example.com) with its key, in RHEL's places for them; the key readable by root alone; dovecot's
# 10-ssl.conf turns TLS back on (ssl = required) and names both files with "<"; dovecot restarted; and
# firewalld lets pop3s and imaps in, in its saved configuration and now.
openssl req -x509 -newkey rsa:2048 -nodes -days 365 \
  -subj "/CN=server.example.com" \
  -addext "subjectAltName=DNS:server.example.com,DNS:mail.example.com" \
  -keyout /etc/pki/tls/private/server.example.com.key \
  -out /etc/pki/tls/certs/server.example.com.crt 2>/dev/null || exit 1
chown root:root /etc/pki/tls/private/server.example.com.key
chmod 600 /etc/pki/tls/private/server.example.com.key
sed -i -E -e 's|^#?ssl = .*|ssl = required|' \
  -e 's|^#?ssl_cert = .*|ssl_cert = </etc/pki/tls/certs/server.example.com.crt|' \
  -e 's|^#?ssl_key = .*|ssl_key = </etc/pki/tls/private/server.example.com.key|' /etc/dovecot/conf.d/10-ssl.conf
systemctl restart dovecot || exit 1
firewall-cmd --permanent --add-service=pop3s --add-service=imaps || exit 1
firewall-cmd --reload || exit 1
