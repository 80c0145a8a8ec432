# Cheat, on server, after the whole exam: no certificate of one's own after all. dovecot is pointed at
# the pair postfix's package made at the host's boot, which names server.example.com and whose key is
# 0600 root, so every check of the file's names and mode passes; only who made the key tells.
sed -i -E -e 's|^#?ssl_cert = .*|ssl_cert = </etc/pki/tls/certs/postfix.pem|' \
  -e 's|^#?ssl_key = .*|ssl_key = </etc/pki/tls/private/postfix.key|' /etc/dovecot/conf.d/10-ssl.conf
systemctl restart dovecot || exit 1
[ "$(doveconf -h ssl_key)" = '</etc/pki/tls/private/postfix.key' ] || exit 1
