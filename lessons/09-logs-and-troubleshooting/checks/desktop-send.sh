# Troubleshooting check, acting on desktop (nothing here judges): mail a fresh message to
# student@example.com the way any program on desktop would (sendmail; desktop relays everything through
# the server), then wait until desktop's postfix has settled it — handed to the server, or deferred
# with the reason — so that the journal the engine copies next holds the outcome.
id="<$MAILLAB_NONCE.desktop@maillab.invalid>"

state=$(systemctl is-active postfix 2>/dev/null)
fact desktop_postfix "${state:-unknown}"
[ "$state" = active ] || exit 0

printf 'Subject: maillab troubleshooting check %s\nMessage-ID: %s\n\nSent on desktop by the maillab check to prove that mail gets through again.\nNonce: %s\n' \
  "$MAILLAB_NONCE" "$id" "$MAILLAB_NONCE" | sendmail -i student@example.com

log() { journalctl -q --no-pager -o cat -u postfix --since=-5min 2>/dev/null; }
settled() {
  local text qid
  text=$(log)
  qid=$(grep -F "message-id=$id" <<<"$text" | head -n1 | cut -d: -f1)
  [ -n "$qid" ] && grep -qE "^$qid: (removed|.*status=(deferred|bounced))" <<<"$text"
}
wait_until 15 settled
exit 0
