# Cheat, on server, after the whole exam: the key and its directory given to student (chown student,
# modes kept), so student reads it without sudo. No group or other bit is set.
key=$(doveconf -h ssl_key | sed 's/^<//')
[ -f "$key" ] || exit 1
chown student "$key" "$(dirname "$key")" || exit 1
systemctl restart dovecot || exit 1
runuser -u student -- head -c 10 "$key" >/dev/null || exit 1
