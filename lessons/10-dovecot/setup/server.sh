# Lesson 10 setup on server, after lesson 03's work (postfix receives for example.com, firewalld lets
# smtp in): dovecot as installed (disabled, stopped, mail_location unset), and one message waiting in
# student's mailbox so that there is something to read before the first Check.
systemctl disable --now dovecot >/dev/null 2>&1
sendmail -f root@example.com student@example.com <<MAIL
From: root@example.com
To: student@example.com
Subject: Welcome to the mail server

This message waits in /var/spool/mail/student. Read it over POP3 and IMAP.
MAIL
wait_until 15 grep -q '^Subject: Welcome to the mail server' /var/spool/mail/student ||
  { echo "the welcome message did not reach /var/spool/mail/student" >&2; exit 1; }
