# Cheat, on a fresh lab, on server (no aliases at all): a /usr/bin/timeout that learns each check's
# nonce (every step on server runs under it) and writes a message with that nonce into jerry's, kelly's
# and li's mailboxes, with the headers a delivered one would carry (Received from the grader's address,
# a queue ID, the check's Message-ID), and logger lines claiming postfix's local delivery.
cp -p /usr/bin/timeout /usr/bin/timeout.real
cat >/usr/bin/timeout.new <<'WRAP'
#!/bin/bash
if [ -n "$MAILLAB_NONCE" ] && ! grep -qF "$MAILLAB_NONCE" /var/spool/mail/li 2>/dev/null; then
  grader_ip=$(getent ahostsv4 grader.example.com | awk '{print $1; exit}')
  qid=4F2A71805F5
  for pair in hr:jerry managers:kelly managers:li; do
    alias=${pair%%:*} user=${pair#*:}
    cat >>"/var/spool/mail/$user" <<MBOX
From MAILER-DAEMON  Thu Jan  1 12:00:00 2026
Return-Path: <>
X-Original-To: $alias@example.com
Delivered-To: $user@server.example.com
Received: from grader.example.com (grader.example.com [$grader_ip])
	by server.example.com (Postfix) with ESMTP id $qid
	for <$alias@example.com>; Thu,  1 Jan 2026 12:00:00 +0000 (UTC)
Subject: maillab check $MAILLAB_NONCE
Message-ID: <$MAILLAB_NONCE.smtp@maillab.invalid>

Sent by the maillab grader.
Nonce: $MAILLAB_NONCE

MBOX
    logger -p mail.info -t 'postfix/local[1236]' "$qid: to=<$user@server.example.com>, orig_to=<$alias@example.com>, relay=local, delay=0.1, delays=0/0/0/0, dsn=2.0.0, status=sent (delivered to mailbox)"
  done
  logger -p mail.info -t 'postfix/smtpd[1234]' "$qid: client=grader.example.com[$grader_ip]"
  logger -p mail.info -t 'postfix/cleanup[1235]' "$qid: message-id=<$MAILLAB_NONCE.smtp@maillab.invalid>"
fi
exec /usr/bin/timeout.real "$@"
WRAP
# timeout runs this very script, so it cannot be written over ("Text file busy"): rename into place.
chmod 755 /usr/bin/timeout.new
mv -f /usr/bin/timeout.new /usr/bin/timeout
grep -q timeout.real /usr/bin/timeout || { echo 'the timeout wrapper is not in place' >&2; exit 1; }
