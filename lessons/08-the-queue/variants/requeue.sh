# Correct variant: the relay host fixed, every message requeued with postsuper -r ALL (so it gets a new
# queue ID, which pickup logs with orig_id=), and the queue flushed with sendmail -q.
postconf -e 'relayhost = [server.example.com]'
systemctl reload postfix
postsuper -r ALL
sendmail -q
empty() { ! find /var/spool/postfix/{maildrop,incoming,active,deferred,hold} -type f 2>/dev/null | grep -q .; }
wait_until 20 empty || exit 1
