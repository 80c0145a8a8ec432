# Reference solution on server: the exam's whole server side, from a bare RHEL 9 install.
# Receive for example.com and the server's names, on every interface (lesson 03).
postconf -e 'inet_interfaces = all' \
  'mydestination = $myhostname, localhost.$mydomain, localhost, $mydomain, mail.$mydomain'
# The role address (lesson 04): sales reaches jerry and kelly.
printf 'sales:    jerry, kelly\n' >>/etc/aliases
newaliases
# The access table (lesson 05's format), looked up by envelope sender: junk.example.net is refused.
printf 'junk.example.net    REJECT\n' >/etc/postfix/access
postmap /etc/postfix/access
postconf -e 'smtpd_sender_restrictions = check_sender_access hash:/etc/postfix/access'
# SMTP AUTH (lesson 07): saslauthd checks passwords through PAM; logged-in users may relay.
systemctl enable --now saslauthd
postconf -e 'smtpd_sasl_auth_enable = yes' 'smtpd_sasl_security_options = noanonymous' \
  'smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination'
systemctl enable postfix
systemctl restart postfix
# Dovecot (lessons 10 and 11): the mbox spool, the lock, a certificate that names the server.
sed -i -E 's|^#?mail_location =.*|mail_location = mbox:~/mail:INBOX=/var/mail/%u|' /etc/dovecot/conf.d/10-mail.conf
sed -i -E 's|^#?mail_privileged_group =.*|mail_privileged_group = mail|' /etc/dovecot/conf.d/10-mail.conf
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj /CN=server.example.com \
  -addext 'subjectAltName = DNS:server.example.com, DNS:mail.example.com' \
  -keyout /etc/pki/dovecot/private/dovecot.pem -out /etc/pki/dovecot/certs/dovecot.pem
chmod 600 /etc/pki/dovecot/private/dovecot.pem
systemctl enable --now dovecot
systemctl restart dovecot
# The firewall (lessons 03 and 10): SMTP, POP3S and IMAPS, saved and loaded.
firewall-cmd --permanent --add-service=smtp --add-service=pop3s --add-service=imaps
firewall-cmd --reload
