# Mistake: permit_sasl_authenticated written after reject_unauth_destination, which decides first:
# users log in, and are refused relaying like strangers.
systemctl enable --now saslauthd
postconf -e 'smtpd_sasl_auth_enable = yes' 'smtpd_sasl_security_options = noanonymous' \
  'smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination, permit_sasl_authenticated'
postconf -X mynetworks_style
systemctl reload postfix
