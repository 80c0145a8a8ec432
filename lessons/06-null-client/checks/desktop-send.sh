# Null-client check, step 3 of 5, on desktop: send a fresh nonce to student@example.com and follow it
# until it has left desktop's queue, is deferred, or 15 seconds pass. Facts for steps 4 and 5.
msgid="<$MAILLAB_NONCE.relay@maillab.invalid>"
mail_log() {
  cat /var/log/maillog 2>/dev/null
  journalctl -q --no-pager -o cat SYSLOG_FACILITY=2 --since=-15min 2>/dev/null
}
# Queue files (in any queue) that carry this run's nonce; `postcat` reads a queue file by path.
nonce_files() {
  find /var/spool/postfix/{maildrop,incoming,active,deferred,hold} -type f 2>/dev/null |
    while read -r f; do postcat -h "$f" 2>/dev/null | grep -qF "$MAILLAB_NONCE.relay" && echo "$f"; done
}

if [ "${MAILLAB_FACT_desktop_postfix:-}" != active ]; then
  fact nonce_state not-sent
  exit 0
fi

printf 'Subject: maillab null-client check %s\nMessage-ID: %s\n\nSent on desktop by the maillab check to prove the relay path.\nNonce: %s\n' \
  "$MAILLAB_NONCE" "$msgid" "$MAILLAB_NONCE" | sendmail -i student@example.com

# Follow the nonce by its queue ID: it has left when qmgr logged "removed", it waits when its file sits
# in the deferred (or hold) queue. Reading the queue directory alone races with pickup and qmgr.
qid="" nstate=""
settled() {
  [ -n "$qid" ] || qid=$(mail_log | grep -F "message-id=$msgid" | head -n1 | sed -E 's/^(.*[: ])?([0-9A-Za-z]+): message-id=.*/\2/')
  [ -n "$qid" ] || return 1
  if mail_log | grep -qF "$qid: removed"; then nstate=left; return 0; fi
  local f
  f=$(find /var/spool/postfix/deferred /var/spool/postfix/hold -type f -name "$qid" 2>/dev/null | head -n1)
  [ -n "$f" ] && nstate=$(basename "$(dirname "$(dirname "$f")")") && return 0
  return 1
}
wait_until 15 settled
if [ -z "$nstate" ]; then
  # Not settled within the wait: name the queue it sits in (usually active: a slow connection).
  f=$(nonce_files | head -n1)
  nstate=left
  [ -n "$f" ] && nstate=$(sed -E 's#.*/postfix/([a-z]+)/.*#\1#' <<<"$f")
fi
fact nonce_qid "$qid"
fact nonce_state "$nstate"
if [ -n "$qid" ]; then
  fact nonce_sender "$(mail_log | grep -F "$qid: from=<" | head -n1 | sed -E 's/.*from=<([^>]*)>.*/\1/')"
  fact nonce_delivery "$(mail_log | grep -F "$qid: to=<" | tail -n1 | grep -oE 'relay=.*' | cut -c1-200)"
fi
