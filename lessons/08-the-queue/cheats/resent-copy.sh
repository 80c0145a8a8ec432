# Cheat, on a fresh lab: the cause fixed, then a copy of the report (its headers and body, the same
# Message-ID) submitted again with sendmail and the queued original deleted. The copy is delivered, but
# it is a new message: the one that waited in the queue never was.
qid=$(postqueue -j | sed -nE 's/.*"queue_id": "([0-9A-Za-z]+)".*/\1/p' | head -n1)
[ -n "$qid" ] || exit 1
postconf -e 'relayhost = [server.example.com]'
systemctl reload postfix
postcat -bh -q "$qid" | sed -n '/^From:/,$p' | runuser -u jerry -- /usr/sbin/sendmail -i student@example.com
postsuper -d "$qid"
empty() { ! find /var/spool/postfix/{maildrop,incoming,active,deferred,hold} -type f 2>/dev/null | grep -q .; }
wait_until 20 empty || exit 1
