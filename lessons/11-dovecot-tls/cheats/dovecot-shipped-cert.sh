# Cheat, on server: dovecot's own certificate, made by dovecot-init before the student began
# (CN=imap.example.com), left in place; only TLS switched back on and the ports opened.
sed -i -E 's|^#?ssl = .*|ssl = required|' /etc/dovecot/conf.d/10-ssl.conf
systemctl restart dovecot || exit 1
firewall-cmd --permanent --add-service=pop3s --add-service=imaps || exit 1
firewall-cmd --reload || exit 1
