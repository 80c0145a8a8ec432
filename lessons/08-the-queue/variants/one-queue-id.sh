# Correct variant: the report's queue ID read from mailq, the relay host fixed with the service name as
# its port, postfix restarted, and only that message retried with postqueue -i.
qid=$(mailq | awk 'NR > 1 && /^[0-9A-F]/ {sub(/[*!]$/, "", $1); print $1; exit}')
[ -n "$qid" ] || exit 1
postconf -e 'relayhost = [server.example.com]:smtp'
systemctl restart postfix
postqueue -i "$qid"
empty() { ! find /var/spool/postfix/{maildrop,incoming,active,deferred,hold} -type f 2>/dev/null | grep -q .; }
wait_until 20 empty || exit 1
