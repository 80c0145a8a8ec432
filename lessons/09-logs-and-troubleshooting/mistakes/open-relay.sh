# Known mistake, after the fault is mended (solution/mend.sh runs first): mynetworks = 0.0.0.0/0 "so
# that everyone can send". Mail flows, but any host may now use the server to relay to any domain.
postconf -e 'mynetworks = 0.0.0.0/0'
systemctl reload postfix
