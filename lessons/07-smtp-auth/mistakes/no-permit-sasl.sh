# Mistake: SMTP AUTH on and saslauthd running, but smtpd_relay_restrictions written without
# permit_sasl_authenticated: users log in, and still may not relay.
systemctl enable --now saslauthd
postconf -e 'smtpd_sasl_auth_enable = yes' 'smtpd_sasl_security_options = noanonymous' \
  'smtpd_relay_restrictions = permit_mynetworks, defer_unauth_destination'
postconf -X mynetworks_style
systemctl reload postfix
