# Cheat, after the work: saslauthd masked without stopping it. It runs now and its wants link stays,
# but a masked unit never starts again. On RHEL `systemctl mask` links the unit to /dev/null; where
# the unit file itself sits in /etc/systemd/system (the offline image), `systemctl mask` refuses
# ("already exists") and `--runtime` writes a link the file shadows, so the link is made by hand.
systemctl mask saslauthd 2>/dev/null || ln -sfn /dev/null /etc/systemd/system/saslauthd.service
systemctl daemon-reload
[ "$(systemctl is-enabled saslauthd)" = masked ] && systemctl is-active saslauthd || exit 1
