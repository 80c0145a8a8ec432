# Cheat, part 2 on server: the report written into student's mailbox by hand, with the headers a real
# delivery from desktop would have (desktop's address, the made-up server queue ID of part 1).
desktop_ip=$(getent ahostsv4 desktop.example.com | awk '{print $1; exit}')
now=$(date -R)
cat >>/var/spool/mail/student <<MBOX
From jerry@example.com  $(date '+%a %b %e %T %Y')
Return-Path: <jerry@example.com>
X-Original-To: student@example.com
Delivered-To: student@example.com
Received: from desktop.example.com (desktop.example.com [$desktop_ip])
	by server.example.com (Postfix) with ESMTPS id 4F2A71805F5
	for <student@example.com>; $now
From: jerry@example.com
To: student@example.com
Subject: Quarterly report
Message-ID: <quarterly-report@desktop.example.com>
Date: $now

Hi,

the quarterly figures are in.

MBOX
chown student:mail /var/spool/mail/student
