# Correct variant: main.cf edited by hand, as a student with an editor does, after a test message (so
# running processes had the old settings): the misspelt line deleted, the new lines appended with
# comments, a first attempt left above the final one (a duplicate: the last one wins), then
# systemctl reload.
echo "before the change" | mail -s "test before" student@server.example.com
wait_until 10 grep -qs '^Subject: test before' /var/spool/mail/student || exit 1
sed -i '/^myorgin/d' /etc/postfix/main.cf
cat >>/etc/postfix/main.cf <<'CF'

# first try:
myorigin = example.com
# better: follow mydomain
myorigin = $mydomain
CF
systemctl reload postfix
