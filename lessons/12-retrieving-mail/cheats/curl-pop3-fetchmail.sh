# Cheat, after the reference solution's files, on desktop: /usr/bin/fetchmail replaced by a script that
# does fetchmail's job with curl: it logs in to the server's POP3S as student (dovecot logs the login
# from desktop), retrieves every message and hands each to desktop's postfix over SMTP on localhost, as
# fetchmail would, so postfix's smtpd takes it and procmail delivers it. fetchmail never runs.
mv /usr/bin/fetchmail /usr/bin/fetchmail.real
cat >/usr/bin/fetchmail <<'WRAP'
#!/bin/bash
url=pop3s://server.example.com
count=$(curl -sk --max-time 8 -u student:student "$url/" | wc -l)
for n in $(seq 1 "$count"); do
  curl -sk --max-time 8 -u student:student "$url/$n" |
    curl -s --max-time 8 smtp://localhost --mail-from maillab@example.com --mail-rcpt student -T -
done
echo "$count messages for student at server.example.com."
exit 0
WRAP
chmod 755 /usr/bin/fetchmail
exit 0
