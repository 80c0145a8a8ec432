# Mistake, on server: the whole work without mail_privileged_group = mail. Dovecot, running as student,
# may read the spool but not create student.lock in /var/mail: POP3 still retrieves, IMAP opens INBOX
# read-only, and the log says file_dotlock_create failed.
sed -i -E 's|^#?mail_location =.*|mail_location = mbox:~/mail:INBOX=/var/mail/%u|' /etc/dovecot/conf.d/10-mail.conf
desktop_ip=$(getent ahostsv4 desktop.example.com | awk 'NR == 1 {print $1}')
sed -i -E "s|^#?login_trusted_networks =.*|login_trusted_networks = $desktop_ip/32|" /etc/dovecot/dovecot.conf
systemctl enable --now dovecot
firewall-cmd --permanent --add-service=pop3 --add-service=pop3s --add-service=imap --add-service=imaps
firewall-cmd --reload
