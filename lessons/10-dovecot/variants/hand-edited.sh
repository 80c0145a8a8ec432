# Variant, on server: files edited by hand: lines appended to 10-mail.conf with comments and a first
# mail_location that a later one overrides, %n for the user; desktop's bare address (no /32) in
# dovecot.conf with a comment after it; the notes' chmod 600 of the spool files; the four ports instead
# of the service names, added at runtime and with --permanent.
desktop_ip=$(getent ahostsv4 desktop.example.com | awk 'NR == 1 {print $1}')
cat >>/etc/dovecot/conf.d/10-mail.conf <<'CONF'

# --- lab 10 ---
# first try, kept for reference (the later line wins)
mail_location = maildir:~/Maildir
mail_location = mbox:~/mail:INBOX=/var/mail/%n
mail_privileged_group = mail   # may create /var/mail/<user>.lock
CONF
sed -i -E "s|^#?login_trusted_networks =.*|login_trusted_networks = $desktop_ip   # desktop only|" /etc/dovecot/dovecot.conf
chmod 600 /var/spool/mail/*
systemctl enable --now dovecot
for port in 110 143 993 995; do
  firewall-cmd --add-port=$port/tcp
  firewall-cmd --permanent --add-port=$port/tcp
done
