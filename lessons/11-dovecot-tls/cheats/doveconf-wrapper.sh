# Cheat, on a fresh lab, on server: a certificate for the server made, TLS switched back on and the
# firewall opened, but 10-ssl.conf still names the old throwaway certificate; instead a doveconf that
# answers with the new files, early on PATH and in place of the real one.
openssl req -x509 -newkey rsa:2048 -nodes -days 365 \
  -subj "/CN=server.example.com" \
  -addext "subjectAltName=DNS:server.example.com,DNS:mail.example.com" \
  -keyout /etc/pki/tls/private/server.example.com.key \
  -out /etc/pki/tls/certs/server.example.com.crt 2>/dev/null || exit 1
sed -i -E 's|^#?ssl = .*|ssl = required|' /etc/dovecot/conf.d/10-ssl.conf
systemctl restart dovecot || exit 1
firewall-cmd --permanent --add-service=pop3s --add-service=imaps || exit 1
firewall-cmd --reload || exit 1
mv /usr/bin/doveconf /usr/bin/doveconf.real
cat >/usr/bin/doveconf <<'WRAP'
#!/bin/bash
say() { if [[ " $* " == *" -h "* ]]; then echo "$2"; else echo "$1 = $2"; fi; }
case "$*" in
  *ssl_cert*) say ssl_cert '</etc/pki/tls/certs/server.example.com.crt' ;;
  *ssl_key*) say ssl_key '</etc/pki/tls/private/server.example.com.key' ;;
  *) exec /usr/bin/doveconf.real "$@" ;;
esac
WRAP
chmod 755 /usr/bin/doveconf
cp -p /usr/bin/doveconf /usr/local/bin/doveconf
doveconf -h ssl_cert | grep -q server.example.com || exit 1
