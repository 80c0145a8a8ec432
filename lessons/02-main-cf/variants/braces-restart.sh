# Correct variant: the ${name} form of the reference, no spaces around =, and a restart instead of a
# reload.
postconf -X myorgin
postconf -e 'myorigin=${mydomain}'
systemctl restart postfix
