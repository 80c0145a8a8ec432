# Correct variant: postconf -e with other spellings of the same settings (127.0.0.1 for loopback-only,
# the smtp service name as the port), and postfix stopped and started instead of restarted.
postconf -e 'inet_interfaces = 127.0.0.1' 'mydestination =' \
  'local_transport = error: local delivery disabled' 'myorigin = $mydomain' \
  'relayhost = [server.example.com]:smtp'
systemctl stop postfix
systemctl start postfix
