# Retrieving-mail check, acting on server after the verdicts: delete this run's message if it still
# waits in postfix's queue, so that a rerun sees the same state. Messages in student's mailbox stay.
for f in $(grep -rlF "$MAILLAB_NONCE" /var/spool/postfix/{incoming,active,deferred,hold} 2>/dev/null); do
  postsuper -d "$(basename "$f")" >/dev/null 2>&1
done
exit 0
