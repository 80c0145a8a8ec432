# Variant, on a fresh lab: the same work with the other protocols and formats.
#   - fetchmail over IMAPS, keeping the messages on the server (keep), the certificate pinned by its
#     fingerprint (sslfingerprint, with no sslcertck) instead of a trusted file;
#   - procmail filing into a maildir folder (lab/), which needs no lock, with comments and a log;
#   - mutt reading the INBOX over POP3S from mail.example.com, the user in pop_user;
#   - mailbox_command with an argument (procmail -a "$EXTENSION", RHEL's second example), and a restart.
postconf -e 'mailbox_command = /usr/bin/procmail -a "$EXTENSION"'
systemctl restart postfix
fp=$(openssl s_client -connect server.example.com:993 </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -md5 | cut -d= -f2)
[ -n "$fp" ] || { echo "no fingerprint from server.example.com:993" >&2; exit 1; }
su - student -c 'umask 077; cat > ~/.fetchmailrc' <<EOF2
# student's mail on server, over IMAP with TLS; the copies stay on the server
poll server.example.com proto IMAP
  user "student" password "student"
  ssl sslfingerprint "$fp" no sslcertck
  keep
EOF2
su - student -c 'mkdir -p ~/Mail && cat > ~/.procmailrc' <<'EOF2'
# Sort mail as it is delivered
MAILDIR=$HOME/Mail     # where relative folder names point
LOGFILE=$HOME/.procmail.log

# [lab] messages go to a maildir folder: one file per message, so no lock is needed
:0
* ^Subject:.*\[lab\]
lab/
EOF2
su - student -c 'cat > ~/.muttrc' <<'EOF2'
# read student's mailbox in place, on the server, over POP3 with TLS
set pop_user = student
set spoolfile = pops://mail.example.com/
EOF2
