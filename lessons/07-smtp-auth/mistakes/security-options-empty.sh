# Mistake: everything right, but smtpd_sasl_security_options emptied ("to make AUTH work", as some
# guides say): anonymous logins are now kept out by mech_list alone.
systemctl enable --now saslauthd
postconf -e 'smtpd_sasl_auth_enable = yes' 'smtpd_sasl_security_options =' \
  'smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination'
postconf -X mynetworks_style
systemctl reload postfix
