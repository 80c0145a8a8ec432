# Reference solution on desktop: desktop's postfix hands local deliveries to procmail; as student, the
# server's certificate is saved, ~/.fetchmailrc (mode 0600) fetches over POP3S trusting exactly that
# certificate, ~/.procmailrc files [lab] messages into ~/Mail/lab under a lock, and ~/.muttrc opens
# student's INBOX on server over IMAPS.
postconf -e 'mailbox_command = /usr/bin/procmail'
systemctl reload postfix
su - student -c 'mkdir -p ~/.certs && openssl s_client -connect server.example.com:995 </dev/null 2>/dev/null | openssl x509 > ~/.certs/server.pem' ||
  { echo "could not save the server's certificate" >&2; exit 1; }
su - student -c 'cat > ~/.fetchmailrc && chmod 600 ~/.fetchmailrc' <<'EOF2' || exit 1
poll server.example.com protocol pop3
    user student password student
    ssl sslcertfile /home/student/.certs/server.pem sslcommonname imap.example.com
EOF2
su - student -c 'mkdir -p ~/Mail && cat > ~/.procmailrc' <<'EOF2' || exit 1
MAILDIR=$HOME/Mail
LOGFILE=$HOME/procmail.log

:0:
* ^Subject:.*\[lab\]
lab
EOF2
su - student -c 'cat > ~/.muttrc' <<'EOF2' || exit 1
set spoolfile = imaps://student@server.example.com/INBOX
EOF2
