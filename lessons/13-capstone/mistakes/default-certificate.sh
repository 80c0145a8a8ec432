# Known mistake, on server: the whole server side, but no certificate of its own for dovecot: at its
# first start dovecot-init makes the packaged self-signed one, which names imap.example.com.
postconf -e 'inet_interfaces = all' \
  'mydestination = $myhostname, localhost.$mydomain, localhost, $mydomain, mail.$mydomain'
printf 'sales:    jerry, kelly\n' >>/etc/aliases
newaliases
printf 'junk.example.net    REJECT\n' >/etc/postfix/access
postmap /etc/postfix/access
postconf -e 'smtpd_sender_restrictions = check_sender_access hash:/etc/postfix/access'
systemctl enable --now saslauthd
postconf -e 'smtpd_sasl_auth_enable = yes' 'smtpd_sasl_security_options = noanonymous' \
  'smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination'
systemctl enable postfix
systemctl restart postfix
sed -i -E 's|^#?mail_location =.*|mail_location = mbox:~/mail:INBOX=/var/mail/%u|' /etc/dovecot/conf.d/10-mail.conf
sed -i -E 's|^#?mail_privileged_group =.*|mail_privileged_group = mail|' /etc/dovecot/conf.d/10-mail.conf
systemctl enable --now dovecot
firewall-cmd --permanent --add-service=smtp --add-service=pop3s --add-service=imaps
firewall-cmd --reload
