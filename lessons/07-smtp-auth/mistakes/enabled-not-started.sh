# Mistake: everything right in postfix, but saslauthd only enabled (systemctl enable without --now):
# it would start at the next boot, and until then postfix cannot reach it.
systemctl enable saslauthd
postconf -e 'smtpd_sasl_auth_enable = yes' 'smtpd_sasl_security_options = noanonymous' \
  'smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination'
postconf -X mynetworks_style
systemctl reload postfix
