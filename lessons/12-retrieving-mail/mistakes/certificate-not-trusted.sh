# Mistake, after the reference solution: the notes' one-line ~/.fetchmailrc, without telling fetchmail
# which certificate to trust. fetchmail 6.4 upgrades to TLS (STLS) and then refuses the self-signed
# certificate that names imap.example.com.
su - student -c 'cat > ~/.fetchmailrc && chmod 600 ~/.fetchmailrc' <<'EOF2'
poll server.example.com protocol pop3 user student password student
EOF2
