# Correct variant, the notes' own form: mydestination names a file, /etc/postfix/local-host-names,
# that lists every name the server receives for (its alias mail.example.com too), one per line; the
# zone named explicitly in firewall-cmd.
cat >/etc/postfix/local-host-names <<'NAMES'
# names this server is the final destination for
server.example.com
mail.example.com
localhost.example.com
localhost
example.com
NAMES
postconf -e 'inet_interfaces = all' 'mydestination = /etc/postfix/local-host-names'
systemctl restart postfix
firewall-cmd --zone=public --permanent --add-service=smtp
firewall-cmd --reload
