# Null-client check, step 5 of 5, on desktop: is the queue empty after the check's send? Then delete only
# this run's own messages (the nonce relay mail and the local-delivery probe) so a rerun sees the same state.
nonce_files() {
  find /var/spool/postfix/{maildrop,incoming,active,deferred,hold} -type f 2>/dev/null |
    while read -r f; do postcat -h "$f" 2>/dev/null | grep -qF "$MAILLAB_NONCE" && echo "$f"; done
}
queue_json() { postqueue -j 2>/dev/null; }
queue_empty() { [ -z "$(queue_json)" ]; }

state=${MAILLAB_FACT_desktop_postfix:-unknown}
if [ "$state" != active ]; then
  fail queue-empty "postfix on desktop is not running ($state); its queue is not being delivered." \
    "Start and enable postfix on desktop: a null client queues mail and relays it to the server."
else
  [ "${MAILLAB_FACT_nonce_state:-}" = left ] && wait_until 5 queue_empty
  summary=$(queue_json | python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
parts = []
for r in rows[:3]:
    rc = (r.get("recipients") or [{}])[0]
    reason = rc.get("delay_reason") or ""
    parts.append("%s %s to %s%s" % (r.get("queue_id"), r.get("queue_name"), rc.get("address"), (": " + reason) if reason else ""))
print(len(rows), "; ".join(parts)[:300])
')
  count=${summary%% *}
  if [ "${count:-0}" = 0 ]; then
    pass queue-empty "desktop's queue is empty after the check's send (postqueue -p: Mail queue is empty)."
  elif [ "${MAILLAB_FACT_nonce_state:-}" != left ]; then
    fail queue-empty "desktop's queue holds $count message(s): ${summary#* }." \
      "Mail desktop cannot relay waits in its queue (deferred). Fix the relay first; then postqueue -f makes postfix retry what is waiting."
  else
    fail queue-empty "desktop's queue still holds $count message(s) from earlier attempts: ${summary#* }." \
      "The relay works now, but older messages wait in desktop's queue until their next retry: postqueue -f retries them now; postsuper -d QUEUE_ID deletes one you do not need."
  fi
fi

# Clean up this run's own messages only; the student's messages are evidence and stay.
for f in $(nonce_files); do postsuper -d "$(basename "$f")" >/dev/null 2>&1; done
exit 0
