# Known mistake: the whole work, plus `local_recipient_maps =` (an old tip against "User unknown"
# errors): smtpd now accepts mail for any name at example.com and bounces it later.
postconf -e 'inet_interfaces = all' 'mydestination = $myhostname, localhost.$mydomain, localhost, $mydomain' \
  'local_recipient_maps ='
systemctl restart postfix
firewall-cmd --permanent --add-service=smtp
firewall-cmd --reload
