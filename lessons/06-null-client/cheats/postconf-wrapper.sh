# Cheat, on a fresh lab: a postconf that answers what a null client would, while main.cf and the
# running postfix stay as setup left them (listening everywhere, delivering locally, no relayhost).
real=/usr/sbin/postconf.real
mv /usr/sbin/postconf "$real"
cat >/usr/sbin/postconf <<WRAP
#!/bin/bash
case "\$*" in
  *inet_interfaces*) echo loopback-only ;;
  *mydestination*) echo ;;
  *local_transport*) echo 'error: local delivery disabled' ;;
  *-xh*myorigin*) echo example.com ;;
  *myorigin*) echo '\$mydomain' ;;
  *relayhost*) echo '[server.example.com]' ;;
  *) exec $real "\$@" ;;
esac
WRAP
chmod 755 /usr/sbin/postconf
cp -p /usr/sbin/postconf /usr/local/sbin/postconf
