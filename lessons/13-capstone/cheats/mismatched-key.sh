# Cheat, on server, after the whole exam: dovecot restarted while its real key was world-readable
# (chmod 644), then ssl_key pointed at a decoy, a fresh unrelated key kept at 0600, without a restart.
# The running dovecot serves the certificate with the world-readable key; the file ssl_key names looks
# private. Only comparing the key with the certificate tells.
key=$(doveconf -h ssl_key | sed 's/^<//')
[ -f "$key" ] || exit 1
chmod 644 "$key" && systemctl restart dovecot || exit 1
(umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 \
  -out /etc/pki/dovecot/private/decoy.pem 2>/dev/null) || exit 1
sed -i -E 's|^#?ssl_key = .*|ssl_key = </etc/pki/dovecot/private/decoy.pem|' /etc/dovecot/conf.d/10-ssl.conf
[ "$(doveconf -h ssl_key)" = '</etc/pki/dovecot/private/decoy.pem' ] || exit 1
