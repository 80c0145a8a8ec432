# Variant, on server: the settings in files of their own instead of edits to RHEL's: a conf.d file
# read after 10-mail.conf, with the spool spelt /var/spool/mail/%u, and local.conf trusting loopback and
# desktop; the firewall opened at runtime and then saved with --runtime-to-permanent; dovecot enabled,
# then started.
desktop_ip=$(getent ahostsv4 desktop.example.com | awk 'NR == 1 {print $1}')
cat >/etc/dovecot/conf.d/99-mail-lab.conf <<CONF
# Where postfix delivers: one mbox file per user in the spool; other folders under ~/mail.
mail_location = mbox:~/mail:INBOX=/var/spool/mail/%u
# Lets dovecot create /var/mail/<user>.lock (the directory belongs to group mail).
mail_privileged_group = mail
CONF
cat >/etc/dovecot/local.conf <<CONF
login_trusted_networks = 127.0.0.0/8 $desktop_ip/32
CONF
systemctl enable dovecot
systemctl start dovecot
firewall-cmd --add-service=pop3 --add-service=pop3s --add-service=imap --add-service=imaps
firewall-cmd --runtime-to-permanent
