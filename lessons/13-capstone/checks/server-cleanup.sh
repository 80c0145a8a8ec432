# Exam check, acting on server after the verdicts: the check's relayed message waits in the deferred
# queue (the lab has no way out to elsewhere.test), and a message that could not be delivered may
# wait too. Delete this run's own queue files, so that a rerun sees the same state. Delivered
# messages stay in the mailboxes, like the student's own.
for f in $(grep -rlF "$MAILLAB_NONCE" /var/spool/postfix/{incoming,active,deferred,hold} 2>/dev/null); do
  postsuper -d "$(basename "$f")" >/dev/null 2>&1
done
exit 0
