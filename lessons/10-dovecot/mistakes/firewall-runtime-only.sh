# Mistake, on server: dovecot right, and the four services added to the running firewall only (no
# --permanent): the next firewall-cmd --reload or reboot closes them again.
sed -i -E 's|^#?mail_location =.*|mail_location = mbox:~/mail:INBOX=/var/mail/%u|' /etc/dovecot/conf.d/10-mail.conf
sed -i -E 's|^#?mail_privileged_group =.*|mail_privileged_group = mail|' /etc/dovecot/conf.d/10-mail.conf
desktop_ip=$(getent ahostsv4 desktop.example.com | awk 'NR == 1 {print $1}')
sed -i -E "s|^#?login_trusted_networks =.*|login_trusted_networks = $desktop_ip/32|" /etc/dovecot/dovecot.conf
systemctl enable --now dovecot
firewall-cmd --add-service=pop3 --add-service=pop3s --add-service=imap --add-service=imaps
