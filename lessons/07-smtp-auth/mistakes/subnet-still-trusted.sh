# Mistake: the notes' three lines and saslauthd, but the server still trusts its whole subnet
# (mynetworks_style = subnet from setup): permit_mynetworks lets every host there relay without a
# password.
systemctl enable --now saslauthd
postconf -e 'smtpd_sasl_auth_enable = yes' 'smtpd_sasl_security_options = noanonymous' \
  'smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination'
systemctl reload postfix
