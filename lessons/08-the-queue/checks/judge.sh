# Queue check, judged on the grader from what the engine copied: desktop's /etc/postfix, its five queue
# directories and its journal; student's mailbox on server. Desktop's word (MAILLAB_CLAIM_*) only ever
# appears in messages.
#   - the check's own message (desktop-send.sh) shows whether mail from desktop gets through now;
#   - the quarterly report that setup left deferred is followed by its Message-ID through desktop's
#     trusted postfix lines: its first queue ID, and any queue ID postsuper -r gave it later (pickup logs
#     orig_id=), must end in an smtp line status=sent to the server's address, and the server's queue ID
#     from that line must be the one in the Received: header of the report in student's mailbox.
D=desktop
report_id="<quarterly-report@desktop.example.com>"
nonce_id="<$MAILLAB_NONCE.queue@maillab.invalid>"
said=${MAILLAB_CLAIM_desktop_postfix:-unknown}
ip_server=$(ip_of server)
ip_desktop=$(ip_of desktop)
qid_re='[0-9A-Za-z]+'

# --- evidence ------------------------------------------------------------------------------------
relayhost=$(pf $D relayhost)
note=$(pf_note $D)
nonce_log=$(log_text $D postfix "$nonce_id")
report_log=$(log_text $D postfix "$report_id")
mbox=$(evidence server /var/spool/mail/student)
messages=$(mbox_messages --needle "$MAILLAB_NONCE" "$mbox")
queue=$(evidence $D /var/spool/postfix)
queued=$(find "$queue"/{maildrop,incoming,active,deferred,hold} -type f 2>/dev/null)
count=$(grep -c . <<<"$queued")

# sent_as QID LOG: the server's queue ID from desktop's smtp line that relayed QID to the server.
sent_as() {
  grep -E "^postfix/smtp: $1: .*relay=[^ ]*\[$ip_server\]:[0-9]+, .*status=sent " <<<"$2" |
    grep -oE 'queued as [0-9A-Za-z]+' | tail -n1 | awk '{print $3}'
}
# in_mailbox MSGID-OR-"" SERVER-QID: a message in student's mailbox that server's postfix took from
# desktop's address under SERVER-QID (with this Message-ID, or holding this run's nonce when "").
in_mailbox() {
  [ -n "$2" ] || return 1
  awk -F'\x1f' -v id="$1" -v q="$2" -v ip="$ip_desktop" \
    '(id == "" ? $9 == "1" : $3 == id) && $6 == q && $7 == ip {found = 1} END {exit !found}' <<<"$messages"
}

# Is desktop's postfix running under systemd? Only its own log lines can say so.
running=1
[ -n "$nonce_log" ] && running=0
fatal=$(postfix_fatal $D)
down_seen="desktop's postfix did not take the check's message (desktop reports postfix as '$said')${fatal:+; its log: $fatal}"
down_hint="Desktop needs its postfix running to send anything, queued mail included: systemctl enable --now postfix on desktop. If it will not start, systemctl status postfix and journalctl -u postfix say why."
if [ $running -ne 0 ] && [ "$(postfix_outside_unit $D)" -gt 0 ]; then
  down_seen="desktop's postfix runs outside systemd (started by hand with postfix start?), so its log lines cannot be told from forged ones"
  down_hint="Let systemd run postfix, as on any RHEL host: postfix stop, then systemctl enable --now postfix, and from then on restart or reload it with systemctl."
fi

# --- the check's own message ------------------------------------------------------------------------
nonce_qid=$(grep -E "^postfix/cleanup: $qid_re: message-id=" <<<"$nonce_log" | head -n1 | cut -d' ' -f2 | tr -d :)
nonce_sent=""
[ -n "$nonce_qid" ] && nonce_sent=$(sent_as "$nonce_qid" "$nonce_log")
nonce_arrived=1
in_mailbox "" "$nonce_sent" && nonce_arrived=0
nonce_anywhere=1
awk -F'\x1f' '$9 == "1" {found = 1} END {exit !found}' <<<"$messages" && nonce_anywhere=0
nonce_reason=$(grep -E 'status=(deferred|bounced)' <<<"$nonce_log" | tail -n1 | grep -oE 'status=.*' | cut -c1-220)
cause_fixed=1
[ $running -eq 0 ] && [ $nonce_arrived -eq 0 ] && cause_fixed=0

# relayhost, as desktop's main.cf has it: does it name the lab's mail server?
rh=${relayhost,,} rh_host="" rh_port=""
re_bracketed='^\[([^]]+)\](:([a-z0-9]+))?$' re_bare='^([^:[:space:]]+)(:([a-z0-9]+))?$'
if [[ $rh =~ $re_bracketed ]] || [[ $rh =~ $re_bare ]]; then
  rh_host=${BASH_REMATCH[1]%.} rh_port=${BASH_REMATCH[3]}
fi
names_server=1
[[ $rh_host == server.example.com || $rh_host == mail.example.com || ( -n $ip_server && $rh_host == "$ip_server" ) ]] && names_server=0

# --- cause-fixed ------------------------------------------------------------------------------------
rh_seen="relayhost = ${relayhost:-(empty)}$note"
if [ $nonce_anywhere -eq 0 ] && [ -z "$nonce_sent" ]; then
  fail cause-fixed "$rh_seen; the check's message ($MAILLAB_NONCE) is in student's mailbox on server, but desktop's postfix log has no line saying it relayed it there." \
    "Mail from desktop must leave through desktop's own postfix (sendmail hands it to postfix, postfix relays it to the server): use the real postfix tools, and follow the message in desktop's /var/log/maillog."
elif [ $running -ne 0 ]; then
  fail cause-fixed "$rh_seen; $down_seen." "$down_hint"
elif [ $nonce_arrived -eq 0 ]; then
  pass cause-fixed "$rh_seen; desktop's postfix relayed the check's message ($MAILLAB_NONCE) to the server (queued as $nonce_sent there), and it arrived in student's mailbox from desktop's address."
elif [[ $nonce_reason == status=deferred* ]]; then
  seen="$rh_seen; the check's message was deferred too: ${nonce_reason#status=deferred }"
  if [ -z "$rh" ]; then
    fail cause-fixed "$seen." \
      "relayhost is empty now, so desktop looks up example.com's mail server by itself and finds none. Desktop is a null client: it hands every message to one relay host, the lab's mail server. Set relayhost to that, reload postfix, and send again."
  elif [ $names_server -ne 0 ]; then
    fail cause-fixed "$seen." \
      "Read the reason: it names the host desktop tried to hand the message to. Desktop relays everything through relayhost; is that host the lab's mail server? Correct relayhost (postconf -e), then reload postfix so that it takes effect."
  elif [[ ${nonce_reason,,} != *"$rh_host"* ]]; then
    fail cause-fixed "The check's message was deferred: ${nonce_reason#status=deferred }, although desktop's main.cf says $rh_seen." \
      "main.cf is right, but the running postfix still used the old relay host: postfix reads main.cf when it starts or reloads. Reload postfix on desktop (systemctl reload postfix), then send again."
  elif [[ -n $rh_port && $rh_port != 25 && $rh_port != smtp ]]; then
    fail cause-fixed "$seen." \
      "relayhost sends to port $rh_port, where the server does not take mail: the server receives on the SMTP port, 25. Drop the port from relayhost (or make it :25) and reload postfix."
  else
    fail cause-fixed "$seen." \
      "Read the reason in desktop's /var/log/maillog (or in mailq): it says what stopped desktop from handing the message to the server."
  fi
elif [ -n "$nonce_sent" ]; then
  fail cause-fixed "Desktop's postfix relayed the check's message ($MAILLAB_NONCE) to the server (queued as $nonce_sent there), but it is not in student's mailbox on server." \
    "Follow queue ID $nonce_sent in server's /var/log/maillog: the line with status= says where the message went."
elif [ -n "$nonce_reason" ]; then
  fail cause-fixed "$rh_seen; desktop's postfix gave up on the check's message: ${nonce_reason#status=}." \
    "The reason in desktop's /var/log/maillog says why the message was returned: mail for student@example.com must go to the server through relayhost."
else
  fail cause-fixed "$rh_seen; desktop's postfix took the check's message but logged no delivery for it within 20 seconds." \
    "Follow the check's message in desktop's /var/log/maillog (its Message-ID contains $MAILLAB_NONCE) to see where it stopped."
fi

# --- stuck-delivered: the quarterly report --------------------------------------------------------
# Its first queue ID (setup's), and every queue ID postsuper -r gave it since (pickup: orig_id=).
first=$(grep -E "^postfix/cleanup: $qid_re: message-id=" <<<"$report_log" | head -n1 | cut -d' ' -f2 | tr -d :)
lineage=" $first "
if [ -n "$first" ]; then
  for _ in 1 2 3 4 5 6 7 8; do
    grown=0
    while read -r new old; do
      [[ $lineage == *" $old "* && $lineage != *" $new "* ]] && { lineage="$lineage$new "; grown=1; }
    done < <(sed -nE "s/^postfix\/pickup: ($qid_re): .*orig_id=($qid_re).*/\1 \2/p" <<<"$report_log")
    [ $grown -eq 0 ] && break
  done
fi
report_sent="" report_qid="" report_where="" report_bounced=""
for q in $lineage; do
  s=$(sent_as "$q" "$report_log")
  [ -n "$s" ] && { report_sent=$s report_qid=$q; }
  f=$(grep -E "/$q\$" <<<"$queued" | head -n1)
  [ -n "$f" ] && report_where=$(basename "$(dirname "$f")")
  case $report_where in [0-9A-F]) report_where=$(basename "$(dirname "$(dirname "$f")")") ;; esac
  b=$(grep -E "^postfix/[a-z]+: $q: .*status=bounced" <<<"$report_log" | tail -n1 | grep -oE 'status=.*' | cut -c1-200)
  [ -n "$b" ] && report_bounced=$b
done
# Copies: other queue IDs that carried the report's Message-ID (submitted again, not requeued).
copies=""
for q in $(grep -E "^postfix/cleanup: $qid_re: message-id=" <<<"$report_log" | cut -d' ' -f2 | tr -d : | sort -u); do
  [[ $lineage == *" $q "* ]] || copies="$copies $q"
done
copy_sent=""
for q in $copies; do
  s=$(sent_as "$q" "$report_log")
  [ -n "$s" ] && copy_sent="$q (queued as $s on server)"
done
report_in_mbox=1
awk -F'\x1f' -v id="$report_id" '$3 == id {found = 1} END {exit !found}' <<<"$messages" && report_in_mbox=0
last_reason=$(grep -E 'status=deferred' <<<"$report_log" | tail -n1 | grep -oE 'status=deferred .*' | cut -c17-220)
flush_hint="Mail gets through again, but the report still waits for its next retry: postfix retries deferred mail on its own schedule (minutes at first, then longer), and neither a reload nor a restart retries it. Ask for the retry now: postqueue -f (or postqueue -i with its queue ID)."
fixfirst_hint="The report cannot leave until the cause is fixed: the check's own message was deferred too. Fix the cause first (the reason in mailq says what fails), reload postfix, and only then flush the queue (postqueue -f); a flush before the fix only defers it again and puts its next retry further off."
hold_hint="The report is on hold (a ! after its queue ID in mailq): postfix does not try held mail at all. Release it with postsuper -H and its queue ID, then flush the queue."
around=1
[ $nonce_anywhere -eq 0 ] && [ -z "$nonce_sent" ] && around=0
if [ "$report_where" = hold ]; then
  waiting_hint=$hold_hint
elif [ $cause_fixed -eq 0 ]; then
  waiting_hint=$flush_hint
elif [ $running -ne 0 ] && [ $around -ne 0 ]; then
  waiting_hint=$down_hint
else
  waiting_hint=$fixfirst_hint
fi

if [ -z "$first" ]; then
  fail stuck-delivered "Desktop's journal has no trace of the quarterly report (Message-ID $report_id) that setup left in the queue." \
    "The report's trail in desktop's log is gone (was the journal cleared?), so its delivery cannot be shown: Reset the lab to start again."
elif [ -n "$report_sent" ] && in_mailbox "$report_id" "$report_sent"; then
  how="queue ID $report_qid"
  [ "$report_qid" != "$first" ] && how="queue ID $first, requeued as $report_qid"
  pass stuck-delivered "The quarterly report ($how) left desktop's queue for the server (queued as $report_sent there) and is in student's mailbox on server."
elif [ -n "$report_sent" ]; then
  fail stuck-delivered "Desktop relayed the quarterly report to the server (queued as $report_sent there), but it is not in /var/spool/mail/student on server." \
    "Follow queue ID $report_sent in server's /var/log/maillog: the line with status= says where it went."
elif [ -n "$copy_sent" ]; then
  fail stuck-delivered "The report that reached the server is a copy submitted again on desktop, queue ID $copy_sent, not the message that waited in the queue (queue ID $first)." \
    "Submitting a copy makes a new message; the queued report itself has to be delivered. Reset the lab, fix the cause, and let postfix deliver the waiting message (postqueue -f)."
elif [ -n "$report_where" ]; then
  fail stuck-delivered "The quarterly report (queue ID $first) is still in desktop's $report_where queue${last_reason:+, last deferred with: $last_reason}." \
    "$waiting_hint"
elif [ $report_in_mbox -eq 0 ]; then
  fail stuck-delivered "A message with the report's Message-ID is in student's mailbox, but desktop's postfix never relayed the queued report (queue ID $first) to the server, and it is no longer in desktop's queue." \
    "Only the real delivery counts: the report must leave desktop's queue through desktop's postfix. Reset the lab, fix the cause and flush the queue."
elif [ -n "$report_bounced" ]; then
  fail stuck-delivered "Desktop's postfix gave up on the quarterly report (queue ID $first) and returned it to jerry: ${report_bounced#status=}." \
    "Deferred mail must not be bounced: read the reason, Reset the lab to get the report back, then fix what stops delivery and flush the queue."
elif [ $running -ne 0 ]; then
  fail stuck-delivered "The quarterly report (queue ID $first) was not delivered; $down_seen." "$down_hint"
else
  fail stuck-delivered "The quarterly report (queue ID $first) is no longer in desktop's queue, and desktop's postfix never delivered it: it was removed (postsuper -d?)." \
    "Deleting is not delivering: postsuper -d throws a message away, and jerry's report is lost. Reset the lab to get it back, then fix the cause and flush the queue instead."
fi

# --- queue-empty: desktop's queue files, as the engine copied them ---------------------------------
mine=""
[ "$count" -gt 0 ] && mine=$(grep -lF "$MAILLAB_NONCE" $queued 2>/dev/null | head -n1)
if [ "$count" -eq 0 ] && [ $running -ne 0 ]; then
  fail queue-empty "desktop's queue is empty, but $down_seen." "$down_hint"
elif [ "$count" -eq 0 ]; then
  pass queue-empty "desktop's queue is empty after the check's send: nothing waits in maildrop, incoming, active, deferred or hold."
elif [ -n "$mine" ]; then
  fail queue-empty "desktop's queue holds $count message(s), the check's own among them${nonce_reason:+ (${nonce_reason#status=})}." \
    "Mail does not get through yet, so everything sent on desktop waits in its deferred queue: fix the cause first, then flush the queue (postqueue -f)."
elif [ -n "$report_where" ]; then
  held="$count messages, the quarterly report among them"
  [ "$count" -eq 1 ] && held="one message, the quarterly report"
  fail queue-empty "desktop's queue holds $held (in $report_where)." \
    "$waiting_hint"
elif [ $running -ne 0 ]; then
  fail queue-empty "desktop's queue holds $count message(s); $down_seen." "$down_hint"
else
  fail queue-empty "desktop's queue still holds $count message(s) from earlier attempts ($(for f in $queued; do basename "$f"; done | head -n 5 | paste -sd' '))." \
    "Mail gets through now, but older messages wait in desktop's queue until their next retry: postqueue -f retries them now; postsuper -d QUEUE_ID deletes one you do not need."
fi
