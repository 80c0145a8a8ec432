# Troubleshooting check, acting on server (nothing here judges): say how postfix's unit stands (quoted
# in messages only), then wait until each of the check's two messages that server's postfix took has
# a final word in its log (delivered, deferred or bounced), so that the mailbox and the journal the
# engine copies next are complete. A message the server refused never reached it: nothing to wait for.
fact server_postfix "$(systemctl is-active postfix 2>/dev/null | head -n1)"
log() { journalctl -q --no-pager -o cat -u postfix --since=-5min 2>/dev/null; }
settled() {
  local text id qid
  text=$(log)
  for id in "<$MAILLAB_NONCE.smtp@maillab.invalid>" "<$MAILLAB_NONCE.desktop@maillab.invalid>"; do
    qid=$(grep -F "message-id=$id" <<<"$text" | head -n1 | cut -d: -f1)
    [ -z "$qid" ] && continue
    grep -qE "^$qid: (removed|.*status=(sent|deferred|bounced))" <<<"$text" || return 1
  done
}
wait_until 10 settled
exit 0
