# Queue check, acting on desktop (nothing here judges): mail a fresh message to student@example.com the
# way any program on desktop would (sendmail), to see whether desktop can hand mail to the server now;
# then wait until desktop's postfix has settled it and nothing is in flight (a flush the student has just
# started finishes first), so that the journal and queue the engine copies next are complete.
# It never flushes, requeues or deletes anything: the stuck report is the student's to deal with.
nonce_id="<$MAILLAB_NONCE.queue@maillab.invalid>"

state=$(systemctl is-active postfix 2>/dev/null)
fact desktop_postfix "${state:-unknown}"
[ "$state" = active ] || exit 0

printf 'Subject: maillab queue check %s\nMessage-ID: %s\n\nSent on desktop by the maillab check to prove that mail gets through again.\nNonce: %s\n' \
  "$MAILLAB_NONCE" "$nonce_id" "$MAILLAB_NONCE" | sendmail -i student@example.com

# Settled: the check's queue ID has a final word in the log (removed, or a deferral), and no message is
# on its way through maildrop, incoming or active, twice in a row a quarter second apart.
log() { journalctl -q --no-pager -o cat -u postfix --since=-5min 2>/dev/null; }
in_flight() { find /var/spool/postfix/{maildrop,incoming,active} -type f 2>/dev/null | grep -q .; }
quiet=0
settled() {
  local text qid
  text=$(log)
  qid=$(grep -F "message-id=$nonce_id" <<<"$text" | head -n1 | cut -d: -f1)
  [ -n "$qid" ] && grep -qE "^$qid: (removed|.*status=deferred)" <<<"$text" || return 1
  if in_flight; then quiet=0; return 1; fi
  quiet=$((quiet + 1))
  [ $quiet -ge 2 ]
}
wait_until 20 settled
exit 0
