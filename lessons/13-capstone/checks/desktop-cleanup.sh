# Exam check, acting on desktop after the verdicts: delete this run's own messages still queued there
# (a deferred nonce), so that a rerun sees the same state. The student's messages stay.
for f in $(grep -rlF "$MAILLAB_NONCE" /var/spool/postfix/{maildrop,incoming,active,deferred,hold} 2>/dev/null); do
  postsuper -d "$(basename "$f")" >/dev/null 2>&1
done
exit 0
