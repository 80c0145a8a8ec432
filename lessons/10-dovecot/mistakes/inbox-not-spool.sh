# Mistake, on server: the whole work, but mail_location names only the root folder (mbox:~/mail), as if
# dovecot would find the INBOX by itself. It keeps INBOX as ~/mail/inbox, an empty file: logins work
# and every mailbox looks empty.
sed -i -E 's|^#?mail_location =.*|mail_location = mbox:~/mail|' /etc/dovecot/conf.d/10-mail.conf
sed -i -E 's|^#?mail_privileged_group =.*|mail_privileged_group = mail|' /etc/dovecot/conf.d/10-mail.conf
desktop_ip=$(getent ahostsv4 desktop.example.com | awk 'NR == 1 {print $1}')
sed -i -E "s|^#?login_trusted_networks =.*|login_trusted_networks = $desktop_ip/32|" /etc/dovecot/dovecot.conf
systemctl enable --now dovecot
firewall-cmd --permanent --add-service=pop3 --add-service=pop3s --add-service=imap --add-service=imaps
firewall-cmd --reload
