# Mistake: everything right, but saslauthd only started (systemctl start), not enabled: logins work
# today and fail after the next reboot.
systemctl start saslauthd
postconf -e 'smtpd_sasl_auth_enable = yes' 'smtpd_sasl_security_options = noanonymous' \
  'smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination'
postconf -X mynetworks_style
systemctl reload postfix
