# Troubleshooting check, acting on server and on desktop after the verdicts: delete this run's own
# messages that still wait in the queue (deferred because mail does not get through yet), so that a
# rerun sees the same state. The student's messages, and the check's delivered ones, stay.
for f in $(grep -rlF "$MAILLAB_NONCE" /var/spool/postfix/{maildrop,incoming,active,deferred,hold} 2>/dev/null); do
  postsuper -d "$(basename "$f")" >/dev/null 2>&1
done
exit 0
