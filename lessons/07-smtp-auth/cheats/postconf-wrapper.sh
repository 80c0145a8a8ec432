# Cheat, on a fresh lab, on server: a postconf that answers what a server with SMTP AUTH would, and a
# systemctl that calls saslauthd running and enabled, while main.cf, postfix and saslauthd stay as
# setup left them (no AUTH, the subnet trusted, saslauthd stopped).
mv /usr/sbin/postconf /usr/sbin/postconf.real
cat >/usr/sbin/postconf <<'WRAP'
#!/bin/bash
case "$*" in
  *smtpd_sasl_auth_enable*) echo 'smtpd_sasl_auth_enable = yes' ;;
  *smtpd_sasl_security_options*) echo 'smtpd_sasl_security_options = noanonymous' ;;
  *smtpd_relay_restrictions*) echo 'smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination' ;;
  *mynetworks_style*) echo 'mynetworks_style = host' ;;
  *) exec /usr/sbin/postconf.real "$@" ;;
esac
WRAP
chmod 755 /usr/sbin/postconf
cp -p /usr/sbin/postconf /usr/local/sbin/postconf
cat >/usr/local/bin/systemctl <<'WRAP'
#!/bin/bash
case "$*" in
  *is-active*saslauthd*) echo active ;;
  *is-enabled*saslauthd*) echo enabled ;;
  *) exec /usr/bin/systemctl "$@" ;;
esac
WRAP
chmod 755 /usr/local/bin/systemctl
