# Cheat, on a fresh lab: the evidence written instead of the work.
#   - ~/.fetchmailrc (0600, student's) and ~/.muttrc look right but carry a wrong password, so neither
#     fetchmail nor mutt can log in; ~/.procmailrc is right, but postfix is never told to run procmail;
#   - a forger on desktop follows the check's messages in postfix's log: it moves the tagged one from
#     the inbox into ~/Mail/lab, writes a "fetched" message with the check's nonce and Message-ID into
#     the inbox, and logs postfix-looking lines for all of it with logger;
#   - a forger on server logs dovecot-looking TLS logins of student from desktop's address.
if [ "$MAILLAB_HOST" = server ]; then
  cat >/usr/local/sbin/dovecot-forger <<'FORGE'
#!/bin/bash
desktop_ip=$(getent ahostsv4 desktop.example.com | awk '{print $1; exit}')
server_ip=$(getent ahostsv4 server.example.com | awk '{print $1; exit}')
n=1000
while sleep 0.3; do
  n=$((n + 1))
  logger -t dovecot "imap-login: Login: user=<student>, method=PLAIN, rip=$desktop_ip, lip=$server_ip, mpid=$n, TLS, session=<forged$n>"
  logger -t dovecot "pop3-login: Login: user=<student>, method=PLAIN, rip=$desktop_ip, lip=$server_ip, mpid=$n, TLS, session=<forgep$n>"
done
FORGE
  chmod 755 /usr/local/sbin/dovecot-forger
  setsid -f /usr/local/sbin/dovecot-forger </dev/null >/dev/null 2>&1
  exit 0
fi
su - student -c 'mkdir -p ~/Mail && umask 077 && cat > ~/.fetchmailrc' <<'EOF2'
poll server.example.com protocol pop3 user student password wrong
EOF2
su - student -c 'cat > ~/.muttrc' <<'EOF2'
set spoolfile = imaps://student@server.example.com/INBOX
set imap_pass = wrong
EOF2
su - student -c 'cat > ~/.procmailrc' <<'EOF2'
MAILDIR=$HOME/Mail
:0:
* ^Subject:.*\[lab\]
lab
EOF2
cat >/usr/local/sbin/mail-forger <<'FORGE'
#!/bin/bash
box=/var/spool/mail/student
done_nonces=" "
while sleep 0.2; do
  for nonce in $(grep -oE '^Subject: \[lab\] maillab procmail check ml[0-9a-f]+' $box 2>/dev/null | awk '{print $NF}'); do
    [[ $done_nonces == *" $nonce "* ]] && continue
    done_nonces="$done_nonces$nonce "
    python3 - "$nonce" <<'PY'
import mailbox, sys
nonce = sys.argv[1]
inbox = mailbox.mbox("/var/spool/mail/student")
lab = mailbox.mbox("/home/student/Mail/lab")
inbox.lock()
for key, msg in list(inbox.items()):
    if (msg.get("Message-ID") or "").strip() == f"<{nonce}.lab@maillab.invalid>":
        lab.add(msg)
        inbox.remove(key)
fake = mailbox.mboxMessage(
    f"Return-Path: <>\nReceived: from desktop.example.com (localhost [127.0.0.1])\n\tby desktop.example.com (Postfix) with ESMTP id 4FAKE1\n\tfor <student@localhost>; Sat, 28 Nov 2026 10:00:00 +0000 (UTC)\n"
    f"Subject: maillab check {nonce}\nMessage-ID: <{nonce}.smtp@maillab.invalid>\n\nSent by the maillab grader.\nNonce: {nonce}\n")
fake.set_from("MAILER-DAEMON")
inbox.add(fake)
inbox.flush()
inbox.unlock()
lab.flush()
PY
    chown student:student /home/student/Mail/lab
    for q in 4FAKE1 4FAKE2 4FAKE3; do
      logger -p mail.info -t postfix/local "$q: to=<student@desktop.example.com>, relay=local, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (delivered to command: /usr/bin/procmail)"
    done
    logger -p mail.info -t postfix/smtpd "4FAKE1: client=localhost[127.0.0.1]"
    logger -p mail.info -t postfix/cleanup "4FAKE1: message-id=<$nonce.smtp@maillab.invalid>"
  done
done
FORGE
chmod 755 /usr/local/sbin/mail-forger
setsid -f /usr/local/sbin/mail-forger </dev/null >/dev/null 2>&1
