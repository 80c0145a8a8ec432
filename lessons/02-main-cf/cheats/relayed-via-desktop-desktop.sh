# Cheat (the mail sent from the wrong host), on a fresh lab, part 1 on desktop: desktop's postfix made a
# masquerading relay that takes mail from server and hands it back to server, so that mail "from
# server" arrives as root@example.com although server's myorigin is unchanged.
server_ip=$(getent ahostsv4 server.example.com | awk '{print $1; exit}')
postconf -e 'inet_interfaces = all' "mynetworks = 127.0.0.0/8 $server_ip/32" 'myorigin = $mydomain' \
  'relayhost = [server.example.com]'
systemctl enable postfix >/dev/null 2>&1
systemctl restart postfix
