# Reference solution on desktop: relay through the lab's mail server again, make postfix read main.cf,
# then ask it to retry the deferred report now instead of at its next scheduled attempt.
postconf -e 'relayhost = [server.example.com]'
systemctl reload postfix
postqueue -f
# Done when the queue is empty (the report delivered), so that the Check that follows sees the result.
empty() { ! find /var/spool/postfix/{maildrop,incoming,active,deferred,hold} -type f 2>/dev/null | grep -q .; }
wait_until 20 empty || exit 1
