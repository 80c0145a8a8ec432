# Variant: the same work with equivalent values: mech_list in upper case (written through the file, so
# the offline image's link stays), an explicit mynetworks of the loopback network (it overrides setup's
# mynetworks_style = subnet, left in main.cf), permit_sasl_authenticated first and
# reject_unauth_destination instead of defer_unauth_destination.
printf '%s\n' '# Cyrus SASL for postfix smtpd' 'pwcheck_method: saslauthd' 'mech_list: PLAIN LOGIN' >/etc/sasl2/smtpd.conf
postconf -e 'smtpd_sasl_auth_enable = yes' 'smtpd_sasl_security_options = noanonymous' \
  'smtpd_relay_restrictions = permit_sasl_authenticated, permit_mynetworks, reject_unauth_destination' \
  'mynetworks = 127.0.0.0/8'
systemctl enable --now saslauthd
systemctl reload postfix
