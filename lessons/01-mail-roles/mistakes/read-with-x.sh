# Known mistake (on server, after a correct send): opened with mail but left with x, which keeps nothing.
wait_until 15 grep -qs '^Subject: Hello from desktop' /var/spool/mail/student || exit 1
printf 'type 1\nx\n' | su - student -c mail
