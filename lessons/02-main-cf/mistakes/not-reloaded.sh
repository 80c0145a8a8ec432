# Known mistake: main.cf changed but postfix not reloaded. As a student would, first send a test message
# (so postfix's cleanup and trivial-rewrite processes are running with the old settings), then fix
# main.cf and stop there: the running processes keep myorigin = $myhostname.
echo "before the change" | mail -s "test before" student@server.example.com
wait_until 10 grep -qs '^Subject: test before' /var/spool/mail/student || exit 1
postconf -X myorgin
postconf -e 'myorigin = $mydomain'
