# Lesson 06 setup on server: the mail server desktop will relay through. It receives for example.com on
# every interface (lesson 03 teaches these settings); the student does not touch it here.
postconf -e 'inet_interfaces = all' \
  'mydestination = $myhostname, localhost.$mydomain, localhost, $mydomain'
systemctl enable postfix >/dev/null 2>&1
systemctl restart postfix
systemctl is-active --quiet postfix || { echo "postfix did not start on server" >&2; exit 1; }
