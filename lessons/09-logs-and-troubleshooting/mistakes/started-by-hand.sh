# Known mistake (fault main-cf-typo): the typo mended, then postfix started by hand with `postfix
# start`, as in a shell without systemd. Mail flows, but systemd still has postfix.service as failed:
# it will not restart it, stop it cleanly, or start it at the next boot, and its log lines are no
# longer the unit's.
sed -i -E 's/^mydestination[[:space:]]+\$myhostname/mydestination = $myhostname/' /etc/postfix/main.cf
postfix start >/dev/null 2>&1
wait_until 10 test -s /var/spool/postfix/pid/master.pid || exit 1
systemctl is-failed --quiet postfix || exit 1
