# Reference solution on server: dovecot serves the mbox spool that postfix writes, may lock it, trusts
# desktop (and only desktop) with plaintext passwords, runs now and at boot, and firewalld lets POP3 and
# IMAP in (with and without TLS) now and after every reload.
sed -i -E 's|^#?mail_location =.*|mail_location = mbox:~/mail:INBOX=/var/mail/%u|' /etc/dovecot/conf.d/10-mail.conf
sed -i -E 's|^#?mail_privileged_group =.*|mail_privileged_group = mail|' /etc/dovecot/conf.d/10-mail.conf
desktop_ip=$(getent ahostsv4 desktop.example.com | awk 'NR == 1 {print $1}')
[ -n "$desktop_ip" ] || { echo "desktop.example.com has no address" >&2; exit 1; }
sed -i -E "s|^#?login_trusted_networks =.*|login_trusted_networks = $desktop_ip/32|" /etc/dovecot/dovecot.conf
systemctl enable --now dovecot
systemctl restart dovecot
firewall-cmd --permanent --add-service=pop3 --add-service=pop3s --add-service=imap --add-service=imaps
firewall-cmd --reload
