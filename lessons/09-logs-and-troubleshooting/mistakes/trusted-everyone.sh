# Known mistake (fault domain-not-local): the server's log says "Relay access denied", so the student
# lets everyone relay (mynetworks = 0.0.0.0/0) instead of making example.com local. The server now
# takes the mail and passes it on towards example.com's mail server, which does not exist — and it
# would pass on anyone's mail to anywhere.
postconf -e 'mynetworks = 0.0.0.0/0'
systemctl reload postfix
