# Lesson 01 check, judged on the grader from what the engine copied: student's mailboxes and the journal
# on server, the journal, mailboxes and queue on desktop. A message counts only when the daemons' own
# log lines (journald's trusted fields) tell its story: desktop's postfix relayed it, server's smtpd took
# it from desktop's address, server's local delivered it. A hand-written mailbox entry has no such lines.
SUBJECT="Hello from desktop"
desktop_ip=$(ip_of desktop)
server_ip=$(ip_of server)

# Candidates: messages in student's spool and ~/mbox on server.
mapfile -t messages < <(mbox_messages "$(evidence server /var/spool/mail/student)" "$(evidence server /home/student/mbox)")

hit="" hit_qid="" hit_path="" hit_status="" hit_msgid=""
forged="" on_server="" wrong_subject=""
for line in "${messages[@]}"; do
  IFS=$'\x1f' read -r path subject msgid _rp status _qid _ip _helo _has <<<"$line"
  [ -n "$msgid" ] || continue
  log=$(log_text server postfix "$msgid")
  qid=$(grep -E '^postfix/local: [0-9A-Za-z]+: to=<student@[^>]*>.*status=sent' <<<"$log" | head -n1 | sed -E 's/^postfix\/local: ([0-9A-Za-z]+):.*/\1/')
  client=$(grep -E "^postfix/smtpd: ${qid:-none}: client=" <<<"$log" | head -n1 | grep -oE '\[[0-9.]+\]$' | tr -d '[]')
  case "$subject" in
    "$SUBJECT")
      if [ -z "$qid" ]; then
        forged=$subject
      elif [ "$client" != "$desktop_ip" ]; then
        on_server="$subject (queue ID $qid, ${client:+from $client}${client:-submitted on server itself})"
      elif [ -z "$hit" ] || [[ $path == */mbox || $status == *R* ]]; then
        # Prefer a message that was read, so sending again does not undo the student's reading.
        hit=$line hit_qid=$qid hit_path=$path hit_status=$status hit_msgid=$msgid
      fi
      ;;
    *) [ -n "$qid" ] && [ "$client" = "$desktop_ip" ] && wrong_subject=$subject ;;
  esac
done
shown() { sed "s#^$MAILLAB_EVIDENCE/server##" <<<"$1"; }

# Where else a message with the subject went, for the hints: desktop's own mailboxes and queue.
# (/var/mail and /var/spool/mail: one is a symbolic link to the other, which one depends on the image.)
local_copy=$(mbox_messages "$(evidence desktop /var/mail)"/* "$(evidence desktop /var/spool/mail)"/* "$(evidence desktop /root/mbox)" 2>/dev/null |
  awk -F'\x1f' -v s="$SUBJECT" 'tolower($2) == tolower(s) {print $1; exit}' | sed "s#^$MAILLAB_EVIDENCE/desktop##")
queued=$(find "$(evidence desktop /var/spool/postfix)"/{incoming,active,deferred,hold} -type f 2>/dev/null | wc -l)

# --- arrived ---------------------------------------------------------------------------------------
if [ -n "$hit" ]; then
  pass arrived "A message '$SUBJECT' is in student's mailbox on server ($(shown "$hit_path")): server's postfix took it from desktop ($desktop_ip) and delivered it, queue ID $hit_qid."
elif [ -n "$wrong_subject" ]; then
  fail arrived "A message from desktop arrived in student's mailbox, but its subject is '$wrong_subject'." \
    "The subject must be exactly '$SUBJECT' (same words, same case). mail -s takes the subject as one argument, so quote it, and send it again."
elif [ -n "$on_server" ]; then
  fail arrived "A message '$on_server' is in student's mailbox, but server's postfix did not receive it from desktop ($desktop_ip)." \
    "Send it from desktop's terminal, so that it travels desktop → server over SMTP."
elif [ -n "$forged" ]; then
  fail arrived "A message '$forged' is in student's mailbox on server, but server's postfix never logged delivering it: postfix did not put it there." \
    "Only mail that postfix carried counts: send the message on desktop with mail to student@server.example.com, and let postfix deliver it."
elif [ -n "$local_copy" ]; then
  fail arrived "Nothing from desktop is in student's mailbox on server; a message '$SUBJECT' was delivered on desktop itself ($local_copy)." \
    "A bare user name, or desktop's own name, means a mailbox on desktop. Address the message to student@server.example.com so desktop's postfix hands it to the server."
elif [ "$queued" -gt 0 ]; then
  fail arrived "Nothing from desktop is in student's mailbox on server; desktop's queue holds $queued message(s)." \
    "The message is waiting on desktop: read the reason in desktop's /var/log/maillog (or mailq), check the address (student@server.example.com), and send it again."
else
  fail arrived "No message from desktop is in student's mailbox on server (/var/spool/mail/student, ~student/mbox)." \
    "On desktop, send a message with the subject '$SUBJECT' to student@server.example.com using mail, then follow its queue ID in /var/log/maillog."
fi

# --- via-smtp: desktop's smtp relayed it to server, which queued it under the ID server delivered -----
if [ -z "$hit" ]; then
  fail via-smtp "There is no message from desktop in student's mailbox to trace through the logs." \
    "Once your message reaches the server, its queue ID on server appears in both logs: desktop's smtp line says 'queued as' that ID."
else
  relayed=$(log_text desktop postfix "$hit_msgid" | grep -E '^postfix/smtp: ' | grep -F 'status=sent' | grep -F "queued as $hit_qid" | head -n1)
  if [ -n "$relayed" ] && [[ $relayed == *"[$server_ip]:25"* ]]; then
    dqid=$(sed -E 's/^postfix\/smtp: ([0-9A-Za-z]+):.*/\1/' <<<"$relayed")
    pass via-smtp "Desktop's postfix/smtp relayed queue ID $dqid to server over SMTP (queued as $hit_qid there); server's smtpd took it from $desktop_ip and local delivered it."
  else
    fail via-smtp "The message reached server from desktop's address, but desktop's postfix has no line relaying it (no postfix/smtp 'status=sent ... queued as $hit_qid')." \
      "Send it with mail on desktop, so that desktop's postfix carries it: mail hands it to the local postfix, and postfix speaks SMTP to the server."
  fi
fi

# --- read ------------------------------------------------------------------------------------------
# The mark alone: s-nail leaves no log line, no process the engine sees after it quit, nothing but the
# Status: header (or the move to ~/mbox), and root on server can write that with sed. Running s-nail
# from the check would only read that header back, or mark the message itself. So this criterion
# proves the mark, as its title says, not that mail (rather than another program) made it.
if [ -z "$hit" ]; then
  fail read "There is no message from desktop in student's mailbox to read yet." \
    "After it arrives, read it on server as student: su - student, then mail."
elif [[ $hit_path == */mbox || $hit_status == *R* ]]; then
  pass read "The message is marked read (Status: ${hit_status:-moved to ~/mbox}) in $(shown "$hit_path")."
else
  fail read "The message is in $(shown "$hit_path") but still unread (Status: ${hit_status:-none, new})." \
    "Read it as student on server: su - student, run mail, open the message by its number, then quit with q (x leaves the mailbox untouched)."
fi
