# Cheat, after the reference solution's files, on desktop: the genuine mutt runs, and ~/.muttrc still
# reads as if it opened the INBOX on server over IMAPS, but a source line runs curl while mutt starts
# (a TLS login as student from desktop, which dovecot logs), then points mutt at the local mailbox: the
# login dovecot sees is curl's, and mutt never reads the server.
su - student -c 'cat > ~/.muttrc' <<'EOF2' || exit 1
set spoolfile = imaps://student@server.example.com/INBOX
source "curl -sk --max-time 8 -u student:student imaps://server.example.com/INBOX -X 'EXAMINE INBOX' >/dev/null 2>&1; echo set spoolfile=/var/spool/mail/student |"
EOF2
exit 0
