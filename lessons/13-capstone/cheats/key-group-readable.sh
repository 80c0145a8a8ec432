# Cheat, on server, after the whole exam: the key handed to dovecot's group (chgrp dovecot, chmod 640),
# "so that dovecot can read it". Its other bits stay clear, so a check of them alone passed.
key=$(doveconf -h ssl_key | sed 's/^<//')
[ -f "$key" ] || exit 1
chgrp dovecot "$key" && chmod 640 "$key" || exit 1
systemctl restart dovecot || exit 1
