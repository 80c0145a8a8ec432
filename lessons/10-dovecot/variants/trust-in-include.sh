# Variant: the whole work, with desktop's trust kept in a file of its own that dovecot.conf includes
# by absolute path (`!include`), instead of in dovecot.conf itself.
sed -i -E 's|^#?mail_location =.*|mail_location = mbox:~/mail:INBOX=/var/mail/%u|' /etc/dovecot/conf.d/10-mail.conf
sed -i -E 's|^#?mail_privileged_group =.*|mail_privileged_group = mail|' /etc/dovecot/conf.d/10-mail.conf
desktop_ip=$(getent ahostsv4 desktop.example.com | awk 'NR == 1 {print $1}')
[ -n "$desktop_ip" ] || exit 1
printf '# who may log in with a plaintext password\nlogin_trusted_networks = %s/32\n' "$desktop_ip" >/etc/dovecot/trusted-clients.conf
printf '\n!include /etc/dovecot/trusted-clients.conf\n' >>/etc/dovecot/dovecot.conf
systemctl enable --now dovecot
systemctl restart dovecot
firewall-cmd --permanent --add-service=pop3 --add-service=pop3s --add-service=imap --add-service=imaps
firewall-cmd --reload
