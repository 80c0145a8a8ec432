# Known mistake: every main.cf setting right, but master.cf's smtp service bound to desktop's own
# name (`desktop.example.com:smtp`), taken for "this host": a service line that names its host
# listens there whatever inet_interfaces says, so other hosts reach postfix on desktop's address.
postconf -e 'inet_interfaces = loopback-only' 'mynetworks = 127.0.0.0/8 [::1]/128' 'mydestination =' \
  'local_transport = error: local delivery disabled' 'myorigin = $mydomain' 'relayhost = [server.example.com]'
sed -i -E 's/^smtp([[:space:]]+inet[[:space:]])/desktop.example.com:smtp\1/' /etc/postfix/master.cf
systemctl restart postfix
