# Queue check, acting on desktop after the verdicts: delete this run's own message if it is still queued
# (deferred because mail does not get through yet), so that a rerun sees the same state. The quarterly
# report and every other message of the student's stay where they are.
for f in $(grep -rlF "$MAILLAB_NONCE" /var/spool/postfix/{maildrop,incoming,active,deferred,hold} 2>/dev/null); do
  postsuper -d "$(basename "$f")" >/dev/null 2>&1
done
exit 0
