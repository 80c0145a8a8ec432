# Cheat, after the reference solution's files: a fetchmail and a mutt that only print what a working
# run prints (fetchmail: one message fetched and flushed; mutt: an index of student's INBOX on the
# server) and exit 0, so nothing is fetched and nothing logs in.
mv /usr/bin/fetchmail /usr/bin/fetchmail.real
cat >/usr/bin/fetchmail <<'WRAP'
#!/bin/bash
echo "1 message for student at server.example.com (612 octets)."
echo "reading message student@server.example.com:1 of 1 (612 octets) flushed"
exit 0
WRAP
mv /usr/bin/mutt /usr/bin/mutt.real
cat >/usr/bin/mutt <<'WRAP'
#!/bin/bash
echo "SSL/TLS connection using TLS1.3 (ECDHE-RSA/AES-256-GCM/AEAD)"
echo "q:Quit  d:Del  u:Undel  s:Save  m:Mail  r:Reply  g:Group  ?:Help"
echo "   1 N Nov 28 root@example.com   (  1) maillab check"
echo "---Mutt: imaps://student@server.example.com/INBOX [Msgs:1 New:1]---"
exit 0
WRAP
chmod 755 /usr/bin/fetchmail /usr/bin/mutt
