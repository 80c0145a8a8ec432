# Mistake, on server: the whole work, key mode 0600 root, then an ACL that lets student read the key
# "to look at it without sudo". ls -l shows -rw-r-----+: the group bits are now the ACL's mask.
openssl req -x509 -newkey rsa:2048 -nodes -days 365 \
  -subj "/CN=server.example.com" \
  -addext "subjectAltName=DNS:server.example.com,DNS:mail.example.com" \
  -keyout /etc/pki/tls/private/server.example.com.key \
  -out /etc/pki/tls/certs/server.example.com.crt 2>/dev/null || exit 1
key=/etc/pki/tls/private/server.example.com.key
chown root:root "$key"
chmod 600 "$key"
if command -v setfacl >/dev/null; then
  setfacl -m u:student:r "$key" || exit 1
else
  # Without the acl tools, the same ACL as setfacl writes it: owner rw, user student r, group none,
  # mask r, other none.
  python3 - "$key" "$(id -u student)" <<'PY' || exit 1
import os, struct, sys
entries = [(0x01, 6, 0xFFFFFFFF), (0x02, 4, int(sys.argv[2])), (0x04, 0, 0xFFFFFFFF), (0x10, 4, 0xFFFFFFFF), (0x20, 0, 0xFFFFFFFF)]
os.setxattr(sys.argv[1], "system.posix_acl_access", struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *e) for e in entries))
PY
fi
su -s /bin/sh student -c "head -c 0 $key" || { echo "student cannot read the key: the ACL did not take" >&2; exit 1; }
sed -i -E -e 's|^#?ssl = .*|ssl = required|' \
  -e 's|^#?ssl_cert = .*|ssl_cert = </etc/pki/tls/certs/server.example.com.crt|' \
  -e 's|^#?ssl_key = .*|ssl_key = </etc/pki/tls/private/server.example.com.key|' /etc/dovecot/conf.d/10-ssl.conf
systemctl restart dovecot || exit 1
firewall-cmd --permanent --add-service=pop3s --add-service=imaps || exit 1
firewall-cmd --reload || exit 1
