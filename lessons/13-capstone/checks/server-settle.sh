# Exam check, part 3, acting on server (nothing here judges): if server's postfix took the grader's
# message (and desktop's, when desktop says it left), wait until postfix has finished with each
# (qmgr's "removed", or a deferral), so that the mailboxes and the journal copied next are complete
# and the grader's POP3S and IMAPS sessions can find the message. Nothing taken: nothing to wait for.
log() { journalctl -q --no-pager -o cat -u postfix --since=-5min 2>/dev/null; }
qid_of() { grep -F "message-id=$1" <<<"$(log)" | head -n1 | cut -d: -f1; }
taken() { [ -n "$(qid_of "$1")" ]; }
settled() {
  local qid
  qid=$(qid_of "$1")
  [ -n "$qid" ] && grep -qE "^$qid: (removed|.*status=deferred)" <<<"$(log)"
}
check_id="<$MAILLAB_NONCE.check@maillab.invalid>"
desktop_id="<$MAILLAB_NONCE.desktop@maillab.invalid>"
if wait_until 2 taken "$check_id"; then wait_until 10 settled "$check_id"; fi
if [ "${MAILLAB_FACT_relay_left:-}" = yes ] && wait_until 3 taken "$desktop_id"; then
  wait_until 8 settled "$desktop_id"
fi
exit 0
