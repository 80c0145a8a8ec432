# Lesson 01 setup on server: a ready mail server that receives for example.com on every interface.
# The student does not configure it here; lesson 03 teaches these settings.
postconf -e 'inet_interfaces = all' \
  'mydestination = $myhostname, localhost.$mydomain, localhost, $mydomain'
systemctl enable postfix >/dev/null 2>&1
systemctl restart postfix
systemctl is-active --quiet postfix || { echo "postfix did not start on server" >&2; exit 1; }
