# Correct variant, on server: other ways to the same behaviour. The sender check in
# smtpd_recipient_restrictions (as older guides write it) with a regexp table, which needs no postmap;
# SMTP AUTH relying on RHEL 9's default smtpd_relay_restrictions; the alias without spaces, users in
# another order, newaliases; dovecot's own files edited, with a certificate that names the server in
# subjectAltName only; extra firewall services, the zone named.
postconf -e 'inet_interfaces = all' 'mydestination = $myhostname, localhost.$mydomain, localhost, $mydomain, mail.example.com'
printf '%s\n' '/@junk\.example\.net$/    REJECT' >/etc/postfix/sender_access.regexp
postconf -e 'smtpd_recipient_restrictions = check_sender_access regexp:/etc/postfix/sender_access.regexp'
printf 'sales:kelly,jerry\n' >>/etc/aliases
newaliases
postconf -e 'smtpd_sasl_auth_enable = yes'
systemctl enable --now saslauthd postfix
systemctl restart postfix
sed -i -E 's|^#?mail_location =.*|mail_location = mbox:~/mail:INBOX=/var/mail/%n|' /etc/dovecot/conf.d/10-mail.conf
sed -i -E 's|^#?mail_privileged_group =.*|mail_privileged_group = mail|' /etc/dovecot/conf.d/10-mail.conf
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj '/CN=Example mail' \
  -addext 'subjectAltName = DNS:server.example.com' \
  -keyout /etc/pki/dovecot/private/dovecot.pem -out /etc/pki/dovecot/certs/dovecot.pem 2>/dev/null
chmod 600 /etc/pki/dovecot/private/dovecot.pem
systemctl enable --now dovecot
firewall-cmd --zone=public --permanent --add-service=smtp --add-service=pop3s --add-service=imaps --add-service=pop3 --add-service=imap
firewall-cmd --reload
