# SMTP AUTH check, acting on server after the verdicts: the check's message went to student (delivered,
# it stays in the mailbox) and to a foreign domain the lab cannot reach, so its queue file waits in the
# deferred queue. Delete this run's own queue files, so that a rerun sees the same state. The
# student's messages stay.
for f in $(grep -rlF "$MAILLAB_NONCE" /var/spool/postfix/{incoming,active,deferred,hold} 2>/dev/null); do
  postsuper -d "$(basename "$f")" >/dev/null 2>&1
done
exit 0
