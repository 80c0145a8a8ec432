# Exam check, part 2, acting on desktop (nothing here judges): submit two messages with sendmail, as
# any program on desktop would, then wait until desktop's postfix has settled both, so that the journal
# the engine copies later is complete:
#   - a probe to desktop itself (a domain literal), with a null sender: a null client must refuse it;
#   - a message for student@example.com carrying this run's nonce: it must reach the server.
probe_id="<$MAILLAB_NONCE.local@maillab.invalid>"
relay_id="<$MAILLAB_NONCE.desktop@maillab.invalid>"

state=$(systemctl is-active postfix 2>/dev/null)
fact desktop_postfix "${state:-unknown}"
[ "$state" = active ] || exit 0

printf 'Subject: maillab local-delivery probe %s\nMessage-ID: %s\n\nmaillab check probe\n' \
  "$MAILLAB_NONCE" "$probe_id" | sendmail -i -f '' 'maillab-probe@[127.0.0.1]'
printf 'Subject: maillab check %s from desktop\nMessage-ID: %s\n\nSent on desktop by the maillab check.\nNonce: %s\n' \
  "$MAILLAB_NONCE" "$relay_id" "$MAILLAB_NONCE" | sendmail -i student@example.com

# Settled: each message's queue ID has a final word in the log (removed, or a deferral).
log() { journalctl -q --no-pager -o cat -u postfix --since=-5min 2>/dev/null; }
settled() {
  local text id qid
  text=$(log)
  for id in "$probe_id" "$relay_id"; do
    qid=$(grep -F "message-id=$id" <<<"$text" | head -n1 | cut -d: -f1)
    [ -n "$qid" ] || return 1
    grep -qE "^$qid: (removed|.*status=deferred)" <<<"$text" || return 1
  done
}
wait_until 12 settled
# For timing only: whether the message left desktop, so that the server's step waits for it only
# when it can arrive. (The grader judges from evidence it copies, never from this.)
relay_qid=$(log | grep -F "message-id=$relay_id" | head -n1 | cut -d: -f1)
if [ -n "$relay_qid" ] && log | grep -qE "^$relay_qid: .*status=sent"; then fact relay_left yes; else fact relay_left no; fi
exit 0
