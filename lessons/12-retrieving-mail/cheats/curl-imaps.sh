# Cheat, after the reference solution's files, on desktop: /usr/bin/mutt replaced by a script that logs
# in to the server's IMAPS with curl, as student, with the right password (so dovecot logs a TLS login
# from desktop while Check runs "mutt"), then prints what mutt's index would show. mutt never runs.
mv /usr/bin/mutt /usr/bin/mutt.real
cat >/usr/bin/mutt <<'WRAP'
#!/bin/bash
curl -sk --max-time 8 -u student:student imaps://server.example.com/INBOX -X 'EXAMINE INBOX' >/dev/null 2>&1
echo "q:Quit  d:Del  u:Undel  s:Save  m:Mail  r:Reply  g:Group  ?:Help"
echo "   1 N Dec 07 root@example.com   (  1) maillab check"
echo "---Mutt: imaps://student@server.example.com/INBOX [Msgs:1 New:1]---"
sleep 2
WRAP
chmod 755 /usr/bin/mutt
exit 0
