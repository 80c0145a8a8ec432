# Cheat, on a fresh lab, on server: no SMTP AUTH at all, but everyone may relay (mynetworks =
# 0.0.0.0/0), so "relaying works" from anywhere; saslauthd started and enabled for show.
systemctl enable --now saslauthd
postconf -e 'mynetworks = 0.0.0.0/0'
systemctl reload postfix
