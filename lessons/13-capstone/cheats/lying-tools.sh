# Cheat, on a fresh lab (run on both hosts): a postconf, a postalias, a postmap, a doveconf, a
# firewall-cmd and a systemctl that answer what the finished exam would, while the hosts stay as
# installed: no mail service running, nothing configured, the firewall closed.
wrap() {
  local real
  real=$(command -v "$1") || return 0
  mv "$real" "$real.real"
  { echo '#!/bin/bash'; echo 'case "$*" in'; cat; echo "  *) exec $real.real \"\$@\" ;;"; echo 'esac'; } >"$real"
  chmod 755 "$real"
  cp -p "$real" "/usr/local/sbin/$1"
}
wrap postconf <<'CASES'
  *inet_interfaces*) [ "$(hostname -s)" = desktop ] && echo loopback-only || echo all ;;
  *mydestination*) [ "$(hostname -s)" = desktop ] && echo || echo '$myhostname, localhost.$mydomain, localhost, $mydomain, mail.$mydomain' ;;
  *smtpd_sender_restrictions*) echo 'check_sender_access hash:/etc/postfix/access' ;;
  *smtpd_sasl_auth_enable*) echo yes ;;
  *relayhost*) echo '[server.example.com]' ;;
  *local_transport*) echo 'error: local delivery disabled' ;;
  *myorigin*) echo '$mydomain' ;;
CASES
wrap postalias <<'CASES'
  *-q*sales*) echo 'jerry, kelly' ;;
CASES
wrap postmap <<'CASES'
  *-q*junk.example.net*) echo REJECT ;;
CASES
wrap doveconf <<'CASES'
  *mail_location*) echo 'mbox:~/mail:INBOX=/var/mail/%u' ;;
  *mail_privileged_group*) echo mail ;;
  *ssl_cert*) echo '</etc/pki/dovecot/certs/dovecot.pem' ;;
CASES
wrap firewall-cmd <<'CASES'
  *--list-services*) echo 'dhcpv6-client imaps pop3s smtp ssh' ;;
  *--query-service*) echo yes ;;
CASES
cat >/usr/local/bin/systemctl <<'WRAP'
#!/bin/bash
case "$*" in
  *is-active*) echo active ;;
  *is-enabled*) echo enabled ;;
  *) exec /usr/bin/systemctl "$@" ;;
esac
WRAP
chmod 755 /usr/local/bin/systemctl
