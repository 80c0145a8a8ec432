# Lesson 12 setup on server, after lessons 03 and 10 (postfix receives for example.com; dovecot serves
# student's spool over POP3/IMAP and POP3S/IMAPS with the self-signed certificate dovecot-init made,
# firewalld lets all four ports in): two more messages wait for student, one tagged [lab] in its
# Subject, so that the first fetchmail run brings something to sort.
sendmail -f jerry@example.com student@example.com <<MAIL
From: jerry@example.com
To: student@example.com
Subject: [lab] Notes for Friday's mail lab

Bring the notes on fetchmail and procmail.
MAIL
sendmail -f kelly@example.com student@example.com <<MAIL
From: kelly@example.com
To: student@example.com
Subject: Lunch on Friday?

The usual place, at twelve?
MAIL
wait_until 15 grep -q "^Subject: Lunch on Friday" /var/spool/mail/student ||
  { echo "the setup messages did not reach /var/spool/mail/student" >&2; exit 1; }
wait_until 5 grep -q "^Subject: \[lab\] Notes" /var/spool/mail/student ||
  { echo "the [lab] message did not reach /var/spool/mail/student" >&2; exit 1; }
systemctl is-active --quiet dovecot || { echo "dovecot is not running on server" >&2; exit 1; }
