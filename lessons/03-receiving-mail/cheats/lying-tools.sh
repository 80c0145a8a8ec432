# Cheat, on a fresh lab, on server: a postconf and a firewall-cmd that answer what a receiving server
# would, while main.cf, the running postfix and firewalld stay as setup left them (loopback only,
# example.com not local, port 25 closed).
mv /usr/sbin/postconf /usr/sbin/postconf.real
cat >/usr/sbin/postconf <<'WRAP'
#!/bin/bash
case "$*" in
  *inet_interfaces*) echo 'inet_interfaces = all' ;;
  *mydestination*) echo 'mydestination = $myhostname, localhost.$mydomain, localhost, $mydomain' ;;
  *) exec /usr/sbin/postconf.real "$@" ;;
esac
WRAP
chmod 755 /usr/sbin/postconf
fwcmd=$(command -v firewall-cmd)
mv "$fwcmd" "$fwcmd.real"
cat >"$fwcmd" <<WRAP
#!/bin/bash
case "\$*" in
  *--list-services*) echo 'dhcpv6-client smtp ssh' ;;
  *--query-service*smtp*) echo yes ;;
  *) exec $fwcmd.real "\$@" ;;
esac
WRAP
chmod 755 "$fwcmd"
cp -p /usr/sbin/postconf /usr/local/sbin/postconf
cp -p "$fwcmd" /usr/local/bin/firewall-cmd
