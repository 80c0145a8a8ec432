# Mistake, on server: the whole work, then the key given to dovecot's group (chgrp dovecot, chmod 640)
# "so that dovecot can read it", as guides for other daemons do. dovecot reads it as root anyway; now
# every process running as the group dovecot can read the private key too.
openssl req -x509 -newkey rsa:2048 -nodes -days 365 \
  -subj "/CN=server.example.com" \
  -addext "subjectAltName=DNS:server.example.com,DNS:mail.example.com" \
  -keyout /etc/pki/tls/private/server.example.com.key \
  -out /etc/pki/tls/certs/server.example.com.crt 2>/dev/null || exit 1
chown root:dovecot /etc/pki/tls/private/server.example.com.key || exit 1
chmod 640 /etc/pki/tls/private/server.example.com.key
sed -i -E -e 's|^#?ssl = .*|ssl = required|' \
  -e 's|^#?ssl_cert = .*|ssl_cert = </etc/pki/tls/certs/server.example.com.crt|' \
  -e 's|^#?ssl_key = .*|ssl_key = </etc/pki/tls/private/server.example.com.key|' /etc/dovecot/conf.d/10-ssl.conf
systemctl restart dovecot || exit 1
firewall-cmd --permanent --add-service=pop3s --add-service=imaps || exit 1
firewall-cmd --reload || exit 1
