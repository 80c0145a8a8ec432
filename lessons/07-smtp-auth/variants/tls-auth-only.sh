# Variant: the reference work, and AUTH offered only inside TLS (smtpd_tls_auth_only = yes), as a
# production server should: the check then logs in after STARTTLS.
systemctl enable --now saslauthd
postconf -e 'smtpd_sasl_auth_enable = yes' 'smtpd_sasl_security_options = noanonymous' \
  'smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination' \
  'smtpd_tls_auth_only = yes'
postconf -X mynetworks_style
systemctl reload postfix
