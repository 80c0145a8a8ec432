# Aliases check, acting on server (nothing here judges): if server's postfix took the grader's message,
# wait until it has finished with it (qmgr's "removed", or a deferral), so that the mailboxes and the
# journal the engine copies next are complete. Without the message there is nothing to wait for.
msgid="<$MAILLAB_NONCE.smtp@maillab.invalid>"
log() { journalctl -q --no-pager -o cat -u postfix --since=-5min 2>/dev/null; }
qid_of() { grep -F "message-id=$msgid" <<<"$(log)" | head -n1 | cut -d: -f1; }
taken() { [ -n "$(qid_of)" ]; }
settled() {
  local qid
  qid=$(qid_of)
  grep -qE "^$qid: (removed|.*status=deferred)" <<<"$(log)"
}
wait_until 2 taken || exit 0
wait_until 12 settled
exit 0
