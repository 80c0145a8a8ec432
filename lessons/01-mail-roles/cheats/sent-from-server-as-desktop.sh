# Cheat, on a fresh lab, on server: the work done from the wrong host while claiming to be the right
# one. desktop.example.com is pointed at 127.0.0.1 in server's /etc/hosts, and the message is sent to
# the server by SMTP from the server itself, greeting as desktop.example.com; then it is read.
sed -i '/desktop\.example\.com/d' /etc/hosts
echo '127.0.0.1 desktop.example.com desktop' >>/etc/hosts
swaks --server 127.0.0.1 --helo desktop.example.com --from root@desktop.example.com \
  --to student@server.example.com --header 'Subject: Hello from desktop' --body 'My first message.' >/dev/null
wait_until 15 grep -qs '^Subject: Hello from desktop' /var/spool/mail/student || exit 1
printf 'type 1\nquit\n' | su - student -c mail >/dev/null
