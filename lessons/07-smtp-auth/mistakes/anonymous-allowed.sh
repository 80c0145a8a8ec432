# Mistake: everything right, but ANONYMOUS added to mech_list and smtpd_sasl_security_options emptied:
# anyone logs in without a password, and may then relay.
systemctl enable --now saslauthd
# Written through the file, not with sed -i: on the offline image /etc/sasl2/smtpd.conf is a link.
printf 'pwcheck_method: saslauthd\nmech_list: plain login anonymous\n' >/etc/sasl2/smtpd.conf
postconf -e 'smtpd_sasl_auth_enable = yes' 'smtpd_sasl_security_options =' \
  'smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination'
postconf -X mynetworks_style
systemctl reload postfix
