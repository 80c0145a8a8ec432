# Local-submission check, acting on server (nothing here judges): hand server's postfix one message
# the way any program on server does, with /usr/sbin/sendmail and no -f, so the envelope sender is the
# bare login name root and postfix itself must complete it with myorigin. Then wait until postfix has
# settled it, so that the journal the engine copies next is complete. The recipient is written in full
# (student@server.example.com): myorigin completes bare recipients too, and example.com is not one of
# this server's own domains in this lesson.
msgid="<$MAILLAB_NONCE.local@maillab.invalid>"

state=$(systemctl is-active postfix 2>/dev/null)
fact server_postfix "${state:-unknown}"
[ "$state" = active ] || exit 0

said=$(printf 'Subject: maillab main.cf check %s\nMessage-ID: %s\n\nSent on server by the maillab check to see which sender postfix gives it.\nNonce: %s\n' \
  "$MAILLAB_NONCE" "$msgid" "$MAILLAB_NONCE" | /usr/sbin/sendmail -i student@server.example.com 2>&1)
status=$?
fact sendmail_status "$status"
fact sendmail_said "$said"
[ $status -eq 0 ] || exit 0

# Settled: the message's queue ID has a final word in the log (removed, or a deferral or bounce).
settled() {
  local text qid
  text=$(journalctl -q --no-pager -o cat -u postfix --since=-5min 2>/dev/null)
  qid=$(grep -F "message-id=$msgid" <<<"$text" | head -n1 | cut -d: -f1)
  [ -n "$qid" ] && grep -qE "^$qid: (removed|.*status=(deferred|bounced))" <<<"$text"
}
wait_until 10 settled
exit 0
