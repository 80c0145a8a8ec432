# Lesson 11 setup on server, after lessons 03 and 10 (postfix receives for example.com; dovecot serves
# student's mbox over POP3 and IMAP, trusts desktop with plaintext passwords, and serves the throwaway
# certificate dovecot-init made, CN=imap.example.com). The story: a colleague, tired of clients
# warning about that certificate, switched TLS off and closed the TLS ports. So: ssl = no in
# 10-ssl.conf (dovecot no longer listens on 993 and 995), pop3s and imaps out of the firewall, now and
# in its saved configuration. The old certificate and its key stay where they are, still named in
# 10-ssl.conf.
sed -i -E 's/^ssl = .*/ssl = no/' /etc/dovecot/conf.d/10-ssl.conf
grep -q '^ssl = no$' /etc/dovecot/conf.d/10-ssl.conf || { echo "10-ssl.conf has no ssl line to change" >&2; exit 1; }
systemctl restart dovecot || exit 1
firewall-cmd -q --permanent --remove-service=pop3s --remove-service=imaps || exit 1
firewall-cmd -q --reload || exit 1
