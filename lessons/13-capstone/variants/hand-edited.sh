# Correct variant, on server: files edited by hand, as with an editor. main.cf: lines appended below
# RHEL's (duplicates, the later one wins), comments, the notes' mydestination file with every name,
# the sender check in a btree table of its own with a text after REJECT, AUTH only inside TLS,
# restrictions separated by spaces, desktop alone trusted by address. /etc/aliases: a comment, the
# alias in capitals with a continuation line and a full address, compiled with postalias. dovecot: a
# conf.d file of its own, the spool spelt /var/spool/mail/%u, a certificate for mail.example.com in
# /etc/pki/tls with its key 0400. The firewall opened by port at runtime, then saved.
desktop_ip=$(getent ahostsv4 desktop.example.com | awk 'NR == 1 {print $1}')
[ -n "$desktop_ip" ] || { echo "desktop.example.com has no address" >&2; exit 1; }
printf '%s\n' '# every name this server receives mail for' server.example.com mail.example.com \
  localhost.example.com localhost example.com >/etc/postfix/local-host-names
printf '%s\n' '# senders refused at the door (postmap btree:/etc/postfix/sender_access after every change)' \
  'junk.example.net   REJECT no mail from junk.example.net here' >/etc/postfix/sender_access
postmap btree:/etc/postfix/sender_access
cat >>/etc/postfix/main.cf <<CF

# --- exam ---
inet_interfaces = localhost
# listen on every interface
inet_interfaces = all
mydestination = /etc/postfix/local-host-names
smtpd_sender_restrictions = check_sender_access btree:/etc/postfix/sender_access
# SMTP AUTH, offered inside TLS only
smtpd_sasl_auth_enable = yes
smtpd_sasl_security_options = noanonymous
smtpd_tls_auth_only = yes
smtpd_relay_restrictions = permit_mynetworks permit_sasl_authenticated
    defer_unauth_destination
mynetworks = 127.0.0.0/8 $desktop_ip/32
CF
printf '%s\n' '' '# role addresses' 'Sales:    jerry,' '          kelly@example.com' >>/etc/aliases
postalias /etc/aliases
systemctl enable saslauthd
systemctl start saslauthd
systemctl enable postfix
systemctl stop postfix
systemctl start postfix
cat >/etc/dovecot/conf.d/99-exam.conf <<'CONF'
# Where postfix delivers: one mbox file per user in the spool; other folders under ~/mail.
mail_location = mbox:~/mail:INBOX=/var/spool/mail/%u
mail_privileged_group = mail
ssl_cert = </etc/pki/tls/certs/mail.example.com.crt
ssl_key = </etc/pki/tls/private/mail.example.com.key
CONF
openssl req -x509 -newkey rsa:2048 -nodes -days 90 -subj /O=Example/CN=mail.example.com \
  -keyout /etc/pki/tls/private/mail.example.com.key -out /etc/pki/tls/certs/mail.example.com.crt 2>/dev/null
chmod 400 /etc/pki/tls/private/mail.example.com.key
systemctl enable dovecot
systemctl start dovecot
firewall-cmd --add-port=25/tcp --add-port=995/tcp --add-port=993/tcp
firewall-cmd --runtime-to-permanent
