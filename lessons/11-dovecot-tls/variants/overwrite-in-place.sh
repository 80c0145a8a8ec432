# Variant, on server: the notes' idea done right: a new key and certificate written over dovecot's own
# two files (each file keeps its mode: the key 0600, the certificate 0644), so 10-ssl.conf keeps naming
# them; the certificate has only a CN (no subjectAltName); 10-ssl.conf edited by hand: a second ssl
# line with a comment appended at the end, overriding the first.
openssl req -x509 -newkey rsa:3072 -nodes -days 365 -subj "/CN=server.example.com" \
  -keyout /etc/pki/dovecot/private/dovecot.pem -out /etc/pki/dovecot/certs/dovecot.pem 2>/dev/null || exit 1
cat >>/etc/dovecot/conf.d/10-ssl.conf <<'CONF'

# --- lab 11: TLS back on, with a certificate for server.example.com ---
ssl = required   # the later line wins over "ssl = no" above
CONF
systemctl restart dovecot || exit 1
firewall-cmd --permanent --add-service=pop3s --add-service=imaps || exit 1
firewall-cmd --reload || exit 1
