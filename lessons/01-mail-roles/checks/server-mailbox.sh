# Lesson 01 check, step 2 of 2, on server: is the asked message in student's mailbox, did it come from
# desktop over SMTP (header and log agree on its queue ID), and has student read it?
SUBJECT="Hello from desktop"
home=$(getent passwd student | cut -d: -f6)
# ahostsv4: an IPv6 lookup of a lab name can take 10 s on a network without upstream DNS.
desktop_ip=$(getent ahostsv4 desktop.example.com | awk '{print $1; exit}')

# One line per message in student's spool and ~/mbox:
#   path<US>subject<US>status<US>from-desktop(0/1)<US>queue-id (from server's own Received header)
messages=$(python3 - "/var/spool/mail/student" "$home/mbox" <<'PY'
import mailbox, os, re, sys
from email.header import decode_header, make_header
for path in sys.argv[1:]:
    if not os.path.isfile(path):
        continue
    try:
        box = mailbox.mbox(path, create=False)
        msgs = list(box)
    except Exception:
        continue
    for msg in msgs:
        subject = ' '.join(str(make_header(decode_header(msg.get('Subject') or ''))).split())
        received = [' '.join(r.split()) for r in msg.get_all('Received') or []]
        desktop = any(re.match(r'from desktop\.example\.com[ (]', r) for r in received)
        qid = ''
        for r in received:
            m = re.search(r'by server\.example\.com \(Postfix\) with E?SMTPS?A? id (\w+)', r)
            if m:
                qid = m.group(1)
                break
        status = (msg.get('Status') or '') + (msg.get('X-Status') or '')
        print('\x1f'.join([path, subject, status, '1' if desktop else '0', qid]))
PY
)
mail_log() {
  cat /var/log/maillog 2>/dev/null
  journalctl -q --no-pager -o cat SYSLOG_FACILITY=2 2>/dev/null
}

hit="" wrong_subject="" not_from_desktop=""
while IFS=$'\x1f' read -r path subject status desktop qid; do
  [ -n "$path" ] || continue
  if [ "$desktop" = 1 ] && [ "$subject" = "$SUBJECT" ]; then
    # Prefer a message that was read, so re-sending does not undo the student's reading.
    if [ -z "$hit" ] || [[ $path == */mbox || $status == *R* ]]; then hit="$path"$'\x1f'"$status"$'\x1f'"$qid"; fi
  elif [ "$desktop" = 1 ]; then
    wrong_subject=$subject
  elif [ "${subject,,}" = "${SUBJECT,,}" ]; then
    not_from_desktop=$subject
  fi
done <<<"$messages"

# --- arrived -----------------------------------------------------------------------------------------
if [ -n "$hit" ]; then
  IFS=$'\x1f' read -r path status qid <<<"$hit"
  pass arrived "A message '$SUBJECT' from desktop.example.com is in student's mailbox on server ($path)."
elif [ -n "$wrong_subject" ]; then
  fail arrived "A message from desktop arrived in student's mailbox, but its subject is '$wrong_subject'." \
    "The subject must be exactly '$SUBJECT' (same words, same case). mail -s takes the subject as one argument, so quote it, and send it again."
elif [ -n "$not_from_desktop" ]; then
  fail arrived "A message '$not_from_desktop' is in student's mailbox, but it was written on server itself: none of its Received: lines says 'from desktop.example.com'." \
    "Send it from desktop's terminal, so that it travels desktop → server over SMTP."
elif [ -n "${MAILLAB_FACT_desktop_local:-}" ]; then
  fail arrived "Nothing from desktop is in student's mailbox on server; a message '$SUBJECT' was delivered on desktop itself (${MAILLAB_FACT_desktop_local})." \
    "A bare user name, or desktop's own name, means a mailbox on desktop. Address the message to student@server.example.com so desktop's postfix hands it to the server."
elif [ -n "${MAILLAB_FACT_desktop_queue:-}" ]; then
  fail arrived "Nothing from desktop is in student's mailbox on server; desktop's queue holds: ${MAILLAB_FACT_desktop_queue}." \
    "The message is waiting on desktop: read the reason in desktop's /var/log/maillog, check the address (student@server.example.com), and send it again."
else
  fail arrived "No message from desktop is in student's mailbox on server (/var/spool/mail/student, ~student/mbox)." \
    "On desktop, send a message with the subject '$SUBJECT' to student@server.example.com using mail, then follow its queue ID in /var/log/maillog."
fi

# --- via-smtp: the server's log shows smtpd accepting that queue ID from desktop, and local delivering it
if [ -z "$hit" ]; then
  fail via-smtp "There is no message from desktop to trace in the server's log." \
    "Once your message reaches the server, its Received: header and /var/log/maillog name the same queue ID."
elif [ -z "$qid" ]; then
  fail via-smtp "The message has no Received: header from server.example.com's postfix naming a queue ID." \
    "Send the message again from desktop with mail, to student@server.example.com."
else
  client=$(mail_log | grep -F "$qid: client=" | tail -n1 | grep -oE 'client=[^ ]+')
  delivered=$(mail_log | grep -F "$qid: to=<" | grep -F 'relay=local' | grep -oE 'status=sent \([^)]*\)' | tail -n1)
  if [[ -n $client && ( -z $desktop_ip || $client == *"[$desktop_ip]"* ) && -n $delivered ]]; then
    pass via-smtp "Server's log: queue ID $qid — smtpd accepted it from $client (desktop), local delivered it: $delivered."
  else
    fail via-smtp "Server's log for queue ID $qid shows ${client:-no smtpd client= line} and ${delivered:-no local delivery}." \
      "Look for $qid in /var/log/maillog on server: smtpd should name desktop as the client and local should report status=sent. Is rsyslog running?"
  fi
fi

# --- read -------------------------------------------------------------------------------------------
if [ -z "$hit" ]; then
  fail read "There is no message from desktop in student's mailbox to read yet." \
    "After it arrives, read it on server as student: su - student, then mail."
elif [[ $path == */mbox || $status == *R* ]]; then
  pass read "The message is marked read (Status: ${status:-moved to ~/mbox}) in $path."
else
  fail read "The message is in $path but still unread (Status: ${status:-none, new})." \
    "Read it as student on server: su - student, run mail, open the message by its number, then quit with q (x leaves the mailbox untouched)."
fi
