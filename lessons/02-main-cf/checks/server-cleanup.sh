# Lesson 02 check, acting on server after the verdicts: delete this run's own message if it is still
# queued (postfix stopped, or delivery deferred), so that a rerun sees the same state. The message in
# student's mailbox and the student's own mail stay.
for f in $(grep -rlF "$MAILLAB_NONCE" /var/spool/postfix/{maildrop,incoming,active,deferred,hold} 2>/dev/null); do
  postsuper -d "$(basename "$f")" >/dev/null 2>&1
  case $f in /var/spool/postfix/maildrop/*) rm -f "$f" ;; esac
done
exit 0
