# TLS check, acting on server after the verdicts: delete this run's message if it still waits in
# postfix's queue (a delivery that failed for now), so that a rerun sees the same state. The messages
# already delivered stay in student's mailbox, like the student's own.
for f in $(grep -rlF "$MAILLAB_NONCE" /var/spool/postfix/{incoming,active,deferred,hold} 2>/dev/null); do
  postsuper -d "$(basename "$f")" >/dev/null 2>&1
done
exit 0
