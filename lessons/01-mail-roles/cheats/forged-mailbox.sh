# Cheat, on a fresh lab, on server: nothing is sent. A hand-written message is appended to student's
# mailbox, with the headers a real one would carry (Received from desktop's address, a queue ID, read
# status), and logger writes the smtpd, cleanup and local lines for that queue ID into the log.
desktop_ip=$(getent ahostsv4 desktop.example.com | awk '{print $1; exit}')
qid=4F2A71805F5
msgid="<20260101120000.4F2A71805F5@desktop.example.com>"
cat >>/var/spool/mail/student <<MBOX
From root@desktop.example.com  Thu Jan  1 12:00:00 2026
Return-Path: <root@desktop.example.com>
X-Original-To: student@server.example.com
Delivered-To: student@server.example.com
Received: from desktop.example.com (desktop.example.com [$desktop_ip])
	by server.example.com (Postfix) with ESMTP id $qid
	for <student@server.example.com>; Thu,  1 Jan 2026 12:00:00 +0000 (UTC)
Subject: Hello from desktop
To: student@server.example.com
Message-Id: $msgid
From: root <root@desktop.example.com>
Status: RO

My first message through postfix.

MBOX
logger -p mail.info -t 'postfix/smtpd[1234]' "$qid: client=desktop.example.com[$desktop_ip]"
logger -p mail.info -t 'postfix/cleanup[1235]' "$qid: message-id=$msgid"
logger -p mail.info -t 'postfix/local[1236]' "$qid: to=<student@server.example.com>, relay=local, delay=0.1, delays=0/0/0/0, dsn=2.0.0, status=sent (delivered to mailbox)"
