# Retrieving-mail check, acting on desktop (nothing here judges):
#   - run fetchmail as student, as student would (no options: ~/.fetchmailrc says everything);
#   - submit two messages for student to desktop's postfix, as any program on desktop would: one with
#     the tag [lab] in its Subject (procmail is to file it in a folder), one without (it stays in the
#     inbox);
#   - wait until desktop's postfix has a final word for each of the three, so that the journal and
#     the mailboxes the engine copies next are complete.
fetched_id="<$MAILLAB_NONCE.smtp@maillab.invalid>"
tagged_id="<$MAILLAB_NONCE.lab@maillab.invalid>"
plain_id="<$MAILLAB_NONCE.plain@maillab.invalid>"

state=$(systemctl is-active postfix 2>/dev/null)
fact desktop_postfix "${state:-unknown}"

out=$(cd /home/student 2>/dev/null && runuser -u student -- /usr/bin/env -i HOME=/home/student USER=student \
  LOGNAME=student PATH=/usr/bin:/bin LANG=C.UTF-8 /usr/bin/timeout -k 2 25 /usr/bin/fetchmail 2>&1)
status=$?
fact fetchmail_status "$status"
fact fetchmail_said "$(grep -v '^$' <<<"$out" | tail -n 4 | tr '\n' ' ' | cut -c1-300)"

[ "$state" = active ] || exit 0
printf 'From: maillab <root@desktop.example.com>\nSubject: [lab] maillab procmail check %s\nMessage-ID: %s\n\nTagged: procmail is to file this in a folder.\nNonce: %s\n' \
  "$MAILLAB_NONCE" "$tagged_id" "$MAILLAB_NONCE" | sendmail -i -f root student
printf 'From: maillab <root@desktop.example.com>\nSubject: maillab procmail check %s, no tag\nMessage-ID: %s\n\nNot tagged: this stays in the inbox.\nNonce: %s\n' \
  "$MAILLAB_NONCE" "$plain_id" "$MAILLAB_NONCE" | sendmail -i -f root student

# Settled: the queue ID of each message has a final word in the log (removed, bounced or deferred).
# fetchmail's message is waited for only when fetchmail says it delivered something (status 0).
log() { journalctl -q --no-pager -o cat -u postfix --since=-5min 2>/dev/null; }
ids=("$tagged_id" "$plain_id")
[ "$status" = 0 ] && ids+=("$fetched_id")
settled() {
  local text id qid
  text=$(log)
  for id in "${ids[@]}"; do
    qid=$(grep -F "message-id=$id" <<<"$text" | head -n1 | cut -d: -f1)
    [ -n "$qid" ] || return 1
    grep -qE "^$qid: (removed|.*status=(deferred|bounced))" <<<"$text" || return 1
  done
}
wait_until 15 settled
exit 0
