# Cheat, on server: a new certificate for the server's names, but signed with the key postfix made at
# its first start, copied to a file of the student's: the certificate is new, the key is not theirs.
install -m 600 -o root -g root /etc/pki/tls/private/postfix.key /etc/pki/tls/private/server.example.com.key || exit 1
openssl req -x509 -new -key /etc/pki/tls/private/server.example.com.key -days 365 \
  -subj "/CN=server.example.com" \
  -addext "subjectAltName=DNS:server.example.com,DNS:mail.example.com" \
  -out /etc/pki/tls/certs/server.example.com.crt || exit 1
sed -i -E -e 's|^#?ssl = .*|ssl = required|' \
  -e 's|^#?ssl_cert = .*|ssl_cert = </etc/pki/tls/certs/server.example.com.crt|' \
  -e 's|^#?ssl_key = .*|ssl_key = </etc/pki/tls/private/server.example.com.key|' /etc/dovecot/conf.d/10-ssl.conf
systemctl restart dovecot || exit 1
firewall-cmd --permanent --add-service=pop3s --add-service=imaps || exit 1
firewall-cmd --reload || exit 1
