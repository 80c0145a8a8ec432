# Known mistake (fault loopback-only): inet_interfaces put back to all, then `systemctl reload
# postfix`: the master process keeps the sockets it opened on 127.0.0.1 and warns about it in the log.
postconf -e 'inet_interfaces = all'
systemctl reload postfix
