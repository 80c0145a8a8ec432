# Access check, acting on server after the verdicts: delete this run's own messages (the grader's, or
# desktop's when it got through) if they still wait in server's queue, so that a rerun sees the same
# state. The student's messages, and the check's messages already delivered, stay.
tok="dk${MAILLAB_NONCE#ml}"
for f in $(grep -rlE "$MAILLAB_NONCE|$tok" /var/spool/postfix/{incoming,active,deferred,hold} 2>/dev/null); do
  postsuper -d "$(basename "$f")" >/dev/null 2>&1
done
exit 0
