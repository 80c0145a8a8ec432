# Cheat, on a fresh lab, on desktop: the server's work done on the wrong host. Desktop receives for
# example.com with the alias, the access table and SMTP AUTH, serves POP3S and IMAPS with a
# certificate for server.example.com, opens its own firewall, and its /etc/hosts calls it
# server.example.com and mail.example.com.
postconf -e 'inet_interfaces = all' \
  'mydestination = $myhostname, localhost.$mydomain, localhost, $mydomain, server.example.com, mail.example.com'
printf 'sales:    jerry, kelly\n' >>/etc/aliases
newaliases
printf 'junk.example.net    REJECT\n' >/etc/postfix/access
postmap /etc/postfix/access
postconf -e 'smtpd_sender_restrictions = check_sender_access hash:/etc/postfix/access' \
  'smtpd_sasl_auth_enable = yes' 'smtpd_sasl_security_options = noanonymous'
systemctl enable --now saslauthd
systemctl enable postfix
systemctl restart postfix
sed -i -E 's|^#?mail_location =.*|mail_location = mbox:~/mail:INBOX=/var/mail/%u|' /etc/dovecot/conf.d/10-mail.conf
sed -i -E 's|^#?mail_privileged_group =.*|mail_privileged_group = mail|' /etc/dovecot/conf.d/10-mail.conf
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj /CN=server.example.com \
  -keyout /etc/pki/dovecot/private/dovecot.pem -out /etc/pki/dovecot/certs/dovecot.pem 2>/dev/null
chmod 600 /etc/pki/dovecot/private/dovecot.pem
systemctl enable --now dovecot
firewall-cmd --permanent --add-service=smtp --add-service=pop3s --add-service=imaps
firewall-cmd --reload
desktop_ip=$(getent ahostsv4 desktop.example.com | awk '{print $1; exit}')
hosts=$(grep -v 'server\.example\.com' /etc/hosts)
# /etc/hosts may be a bind mount that cannot be replaced, only rewritten in place.
printf '%s\n%s server.example.com mail.example.com server\n' "$hosts" "$desktop_ip" >/etc/hosts
