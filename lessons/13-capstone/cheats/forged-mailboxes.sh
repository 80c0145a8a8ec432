# Cheat, on a fresh lab, on server: dovecot set up right (its own certificate, the spool, the firewall
# open for POP3S and IMAPS), but postfix never receives anything from other hosts. Instead a
# /usr/bin/timeout, which wraps every step maillab runs on server, learns each check's nonce and
# writes the grader's message into student's, jerry's and kelly's mailboxes, with the headers a
# delivered copy would carry (Received from the grader's address, a queue ID, the check's
# Message-ID), and logger lines claiming postfix's deliveries. Dovecot then serves the forged copy.
sed -i -E 's|^#?mail_location =.*|mail_location = mbox:~/mail:INBOX=/var/mail/%u|' /etc/dovecot/conf.d/10-mail.conf
sed -i -E 's|^#?mail_privileged_group =.*|mail_privileged_group = mail|' /etc/dovecot/conf.d/10-mail.conf
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj /CN=server.example.com \
  -keyout /etc/pki/dovecot/private/dovecot.pem -out /etc/pki/dovecot/certs/dovecot.pem 2>/dev/null
chmod 600 /etc/pki/dovecot/private/dovecot.pem
systemctl enable --now dovecot
firewall-cmd --permanent --add-service=pop3s --add-service=imaps
firewall-cmd --reload
cp -p /usr/bin/timeout /usr/bin/timeout.real
cat >/usr/bin/timeout.new <<'WRAP'
#!/bin/bash
if [ -n "$MAILLAB_NONCE" ] && ! grep -qF "$MAILLAB_NONCE" /var/spool/mail/student 2>/dev/null; then
  grader_ip=$(getent ahostsv4 grader.example.com | awk '{print $1; exit}')
  qid=4F2A71805F5
  for pair in student@example.com:student sales@example.com:jerry sales@example.com:kelly; do
    to=${pair%%:*} user=${pair#*:}
    cat >>"/var/spool/mail/$user" <<MBOX
From MAILER-DAEMON  Thu Jan  1 12:00:00 2026
Return-Path: <>
X-Original-To: $to
Delivered-To: $user@server.example.com
Received: from grader.example.com (grader.example.com [$grader_ip])
	by server.example.com (Postfix) with ESMTP id $qid
	for <$to>; Thu,  1 Jan 2026 12:00:00 +0000 (UTC)
Subject: maillab check $MAILLAB_NONCE
Message-ID: <$MAILLAB_NONCE.check@maillab.invalid>

Sent by the maillab grader.
Nonce: $MAILLAB_NONCE

MBOX
    chown "$user:mail" "/var/spool/mail/$user"
    chmod 660 "/var/spool/mail/$user"
    logger -p mail.info -t 'postfix/local[1236]' "$qid: to=<$user@server.example.com>, orig_to=<$to>, relay=local, delay=0.1, delays=0/0/0/0, dsn=2.0.0, status=sent (delivered to mailbox)"
  done
  logger -p mail.info -t 'postfix/smtpd[1234]' "$qid: client=grader.example.com[$grader_ip]"
  logger -p mail.info -t 'postfix/cleanup[1235]' "$qid: message-id=<$MAILLAB_NONCE.check@maillab.invalid>"
fi
exec /usr/bin/timeout.real "$@"
WRAP
# timeout runs this very script, so it cannot be written over ("Text file busy"): rename into place.
chmod 755 /usr/bin/timeout.new
mv -f /usr/bin/timeout.new /usr/bin/timeout
grep -q timeout.real /usr/bin/timeout || { echo 'the timeout wrapper is not in place' >&2; exit 1; }
