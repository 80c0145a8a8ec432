# Cheat, on server after the whole exam is done: dovecot masked without stopping it. It runs now,
# and its wants link stays (systemctl mask leaves it, measured), but a masked unit never starts again.
systemctl mask dovecot
[ -L /etc/systemd/system/multi-user.target.wants/dovecot.service ] && systemctl is-active dovecot || exit 1
