# Cheat, on a fresh lab, on server: a postconf and a postmap that answer what an access setup would
# (the restriction, a REJECT for desktop, OK for the network), while main.cf and /etc/postfix stay as
# lesson 03 left them: no table, no restriction.
mv /usr/sbin/postconf /usr/sbin/postconf.real
cat >/usr/sbin/postconf <<'WRAP'
#!/bin/bash
case "$*" in
  *smtpd_client_restrictions*) echo 'smtpd_client_restrictions = check_client_access hash:/etc/postfix/access' ;;
  *) exec /usr/sbin/postconf.real "$@" ;;
esac
WRAP
chmod 755 /usr/sbin/postconf
mv /usr/sbin/postmap /usr/sbin/postmap.real
cat >/usr/sbin/postmap <<'WRAP'
#!/bin/bash
desktop=$(getent ahostsv4 desktop.example.com | awk '{print $1; exit}')
case "$*" in
  *-q*"$desktop"*) echo REJECT ;;
  *-q*) echo OK ;;
  *-s*) printf '%s\tREJECT\n%s\tOK\n' "$desktop" "${desktop%.*.*}" ;;
  *) exit 0 ;;
esac
WRAP
chmod 755 /usr/sbin/postmap
cp -p /usr/sbin/postconf /usr/local/sbin/postconf
cp -p /usr/sbin/postmap /usr/local/sbin/postmap
