# Variant, on a fresh lab: the work written by hand, another way.
#   - main.cf appended to with an editor: a comment, a first mailbox_command overridden by a second
#     one (the last wins), then systemctl restart postfix;
#   - ~/.fetchmailrc over several lines with comments, mail.example.com, the long keywords
#     (with protocol, username ... there, is ... here, options), and mode 0400;
#   - ~/.mutt/muttrc instead of ~/.muttrc: folder on the server with its port, spoolfile relative to it
#     (+INBOX), the password stored (so the file is 0600 too);
#   - ~/.procmailrc with a named lock file (:0 H: lab.lock) and comments.
cat >>/etc/postfix/main.cf <<'EOF2'

# local deliveries go through procmail (student's ~/.procmailrc sorts them)
mailbox_command = /usr/bin/false
mailbox_command = /usr/bin/procmail
EOF2
systemctl restart postfix
su - student -c 'mkdir -p ~/.certs && openssl s_client -connect mail.example.com:995 </dev/null 2>/dev/null | openssl x509 > ~/.certs/dovecot.pem' ||
  { echo "could not save the certificate" >&2; exit 1; }
su - student -c 'cat > ~/.fetchmailrc && chmod 400 ~/.fetchmailrc' <<'EOF2'
# ~/.fetchmailrc: student's mail on the lab server
set no bouncemail

poll mail.example.com with protocol pop3 port 995:
    username "student" there with password "student" is student here
    options ssl sslcertfile /home/student/.certs/dovecot.pem sslcommonname "imap.example.com"
EOF2
su - student -c 'mkdir -p ~/.mutt && umask 077 && cat > ~/.mutt/muttrc' <<'EOF2'
# mutt: student's INBOX on the server
set folder = "imaps://student@server.example.com:993"   # mailboxes on the server
set spoolfile = "+INBOX"
set imap_pass = "student"
EOF2
su - student -c 'mkdir -p ~/Mail && cat > ~/.procmailrc' <<'EOF2'
# procmail recipes for student
MAILDIR = $HOME/Mail

# the [lab] mailing list
:0 H: lab.lock
* ^Subject:.*\[lab\]
lab
EOF2
