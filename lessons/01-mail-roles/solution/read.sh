# Reference solution, part 2, on server: wait for the message, then read it as student with s-nail and quit
# with q, which marks it read (Status: RO).
wait_until 15 grep -qs '^Subject: Hello from desktop' /var/spool/mail/student || exit 1
n=$(grep -c '^From ' /var/spool/mail/student)
printf 'type %s\nquit\n' "$n" | su - student -c mail
