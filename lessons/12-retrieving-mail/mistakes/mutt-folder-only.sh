# Mistake, after the reference solution: ~/.muttrc points folder at the server, but not spoolfile, so
# mutt still starts in the local mailbox.
su - student -c 'cat > ~/.muttrc' <<'EOF2'
set folder = imaps://student@server.example.com/
EOF2
