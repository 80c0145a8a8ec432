# Mistake, on server: instead of trusting desktop, the old guides' way to let it log in without TLS:
# disable_plaintext_auth = no and ssl = yes. Every client may now send its password in clear text.
sed -i -E 's|^#?mail_location =.*|mail_location = mbox:~/mail:INBOX=/var/mail/%u|' /etc/dovecot/conf.d/10-mail.conf
sed -i -E 's|^#?mail_privileged_group =.*|mail_privileged_group = mail|' /etc/dovecot/conf.d/10-mail.conf
sed -i -E 's|^#?disable_plaintext_auth =.*|disable_plaintext_auth = no|' /etc/dovecot/conf.d/10-auth.conf
sed -i -E 's|^ssl = required|ssl = yes|' /etc/dovecot/conf.d/10-ssl.conf
systemctl enable --now dovecot
firewall-cmd --permanent --add-service=pop3 --add-service=pop3s --add-service=imap --add-service=imaps
firewall-cmd --reload
