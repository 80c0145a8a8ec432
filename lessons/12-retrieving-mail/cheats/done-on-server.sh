# Cheat, on a fresh lab: the whole work done on the wrong host. On server, student gets the
# ~/.fetchmailrc, ~/.procmailrc and ~/.muttrc of the solution (fetchmail polling server itself), and
# server's postfix runs procmail; desktop is left as it was.
postconf -e 'mailbox_command = /usr/bin/procmail'
systemctl reload postfix
su - student -c 'mkdir -p ~/.certs ~/Mail && openssl s_client -connect server.example.com:995 </dev/null 2>/dev/null | openssl x509 > ~/.certs/server.pem'
su - student -c 'cat > ~/.fetchmailrc && chmod 600 ~/.fetchmailrc' <<'EOF2'
poll server.example.com protocol pop3
    user student password student
    ssl sslcertfile /home/student/.certs/server.pem sslcommonname imap.example.com
EOF2
su - student -c 'cat > ~/.procmailrc' <<'EOF2'
MAILDIR=$HOME/Mail
:0:
* ^Subject:.*\[lab\]
lab
EOF2
su - student -c 'cat > ~/.muttrc' <<'EOF2'
set spoolfile = imaps://student@server.example.com/INBOX
EOF2
