# Cheat, on server: no certificate made; dovecot pointed at the certificate and key that postfix made
# at its first start (CN = the host's name, key mode 0600 root), TLS on, the ports opened. Right names,
# a secret key, and nothing of the student's own.
sed -i -E -e 's|^#?ssl = .*|ssl = required|' \
  -e 's|^#?ssl_cert = .*|ssl_cert = </etc/pki/tls/certs/postfix.pem|' \
  -e 's|^#?ssl_key = .*|ssl_key = </etc/pki/tls/private/postfix.key|' /etc/dovecot/conf.d/10-ssl.conf
systemctl restart dovecot || exit 1
firewall-cmd --permanent --add-service=pop3s --add-service=imaps || exit 1
firewall-cmd --reload || exit 1
