# Mistake, on server: the notes' way ("make dovecot.pem" made one PEM file with the key and the
# certificate, copied over both of dovecot's files). cp over an existing file keeps that file's mode, so
# /etc/pki/dovecot/certs/dovecot.pem stays 0644, a public certificate file that now holds the private
# key. The certificate names the server and everything else is right.
openssl req -x509 -newkey rsa:2048 -nodes -days 365 \
  -subj "/CN=server.example.com" \
  -addext "subjectAltName=DNS:server.example.com,DNS:mail.example.com" \
  -keyout /root/dovecot.key -out /root/dovecot.crt 2>/dev/null || exit 1
cat /root/dovecot.key /root/dovecot.crt >/root/dovecot.pem
cp /root/dovecot.pem /etc/pki/dovecot/certs/dovecot.pem
cp /root/dovecot.pem /etc/pki/dovecot/private/dovecot.pem
sed -i -E 's|^#?ssl = .*|ssl = required|' /etc/dovecot/conf.d/10-ssl.conf
systemctl restart dovecot || exit 1
firewall-cmd --permanent --add-service=pop3s --add-service=imaps || exit 1
firewall-cmd --reload || exit 1
