# Variant, after the reference solution on server: dovecot's settings for the exam kept out of the
# packaged files, as a site's own file that dovecot.conf includes (!include site/exam.conf, after
# conf.d/*.conf, so its values win): the conf.d edits are undone, and the certificate and key it names
# are a new pair under /etc/dovecot/site. doveconf, on the server and on the grader, follows the include.
sed -i -E 's/^(mail_location|mail_privileged_group) =/#\1 =/' /etc/dovecot/conf.d/10-mail.conf
grep -qE '^(mail_location|mail_privileged_group) =' /etc/dovecot/conf.d/10-mail.conf && exit 1
install -d -m 0755 /etc/dovecot/site
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj /CN=server.example.com \
  -addext 'subjectAltName = DNS:server.example.com, DNS:mail.example.com' \
  -keyout /etc/dovecot/site/server.key -out /etc/dovecot/site/server.crt 2>/dev/null || exit 1
chmod 600 /etc/dovecot/site/server.key
cat >/etc/dovecot/site/exam.conf <<'EOF2'
# The exam's dovecot settings, one file for the site
mail_location = mbox:~/mail:INBOX=/var/mail/%u
mail_privileged_group = mail
ssl_cert = </etc/dovecot/site/server.crt
ssl_key = </etc/dovecot/site/server.key
EOF2
printf '\n# this site\n!include site/exam.conf\n' >>/etc/dovecot/dovecot.conf
systemctl restart dovecot || exit 1
[ "$(doveconf -h ssl_cert)" = "</etc/dovecot/site/server.crt" ] || exit 1
exit 0
