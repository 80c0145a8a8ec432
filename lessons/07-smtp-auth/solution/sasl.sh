# Reference solution on server: SMTP AUTH through saslauthd (PAM), and relaying for authenticated
# users (and the server itself) only.
# saslauthd checks the passwords; it must run now and at every boot.
systemctl enable --now saslauthd
# /etc/sasl2/smtpd.conf already says pwcheck_method: saslauthd, mech_list: plain login (RHEL's file).
postconf -e 'smtpd_sasl_auth_enable = yes'
postconf -e 'smtpd_sasl_security_options = noanonymous'
postconf -e 'smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination'
# Trust by address only the server itself again (RHEL 9's default, mynetworks_style = host).
postconf -X mynetworks_style
systemctl reload postfix
