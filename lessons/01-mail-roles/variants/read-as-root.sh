# Correct variant, on server: root reads student's mailbox with mail -u student and quits with q.
wait_until 15 grep -qs '^Subject: Hello from desktop' /var/spool/mail/student || exit 1
printf 'type 1\nquit\n' | mail -u student >/dev/null
