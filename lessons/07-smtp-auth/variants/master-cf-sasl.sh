# Variant: SMTP AUTH switched on for the smtp service alone, as `-o smtpd_sasl_auth_enable=yes` on
# master.cf's smtp line (postfix's documented per-service override), main.cf left without it; the rest
# as the reference solution.
systemctl enable --now saslauthd
postconf -P 'smtp/inet/smtpd_sasl_auth_enable=yes'
postconf -e 'smtpd_sasl_security_options = noanonymous'
postconf -e 'smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination'
postconf -X mynetworks_style
systemctl reload postfix
