# Mistake, on server: dovecot enabled and started first, to try it, then every setting written into its
# files, and dovecot never restarted or reloaded: the running dovecot still has none of them.
systemctl enable --now dovecot
firewall-cmd --permanent --add-service=pop3 --add-service=pop3s --add-service=imap --add-service=imaps
firewall-cmd --reload
sed -i -E 's|^#?mail_location =.*|mail_location = mbox:~/mail:INBOX=/var/mail/%u|' /etc/dovecot/conf.d/10-mail.conf
sed -i -E 's|^#?mail_privileged_group =.*|mail_privileged_group = mail|' /etc/dovecot/conf.d/10-mail.conf
desktop_ip=$(getent ahostsv4 desktop.example.com | awk 'NR == 1 {print $1}')
sed -i -E "s|^#?login_trusted_networks =.*|login_trusted_networks = $desktop_ip/32|" /etc/dovecot/dovecot.conf
