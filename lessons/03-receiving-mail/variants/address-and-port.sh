# Correct variant: postfix listens on loopback and on server's network address by name (not "all"),
# is stopped and started instead of restarted, and the firewall is opened by port (25/tcp) rather than
# by service, at runtime, then saved with --runtime-to-permanent.
addr=$(getent ahostsv4 server.example.com | awk '{print $1; exit}')
postconf -e "inet_interfaces = 127.0.0.1, $addr" \
  'mydestination = $myhostname, localhost.$mydomain, localhost, $mydomain'
systemctl stop postfix
systemctl start postfix
firewall-cmd --add-port=25/tcp
firewall-cmd --runtime-to-permanent
