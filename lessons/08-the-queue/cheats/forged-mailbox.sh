# Cheat, on a fresh lab, part 1 on desktop: the cause fixed, the report deleted instead of delivered, and
# the log lines of a delivery written with logger, under the report's real queue ID and a made-up queue
# ID on the server (forged-mailbox-server.sh writes the matching mailbox entry).
qid=$(postqueue -j | sed -nE 's/.*"queue_id": "([0-9A-Za-z]+)".*/\1/p' | head -n1)
[ -n "$qid" ] || exit 1
postconf -e 'relayhost = [server.example.com]'
systemctl reload postfix
postsuper -d "$qid"
server_ip=$(getent ahostsv4 server.example.com | awk '{print $1; exit}')
logger -p mail.info -t postfix/qmgr "$qid: from=<jerry@example.com>, size=512, nrcpt=1 (queue active)"
logger -p mail.info -t postfix/smtp "$qid: to=<student@example.com>, relay=server.example.com[$server_ip]:25, delay=300, delays=300/0/0/0.1, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 4F2A71805F5)"
logger -p mail.info -t postfix/qmgr "$qid: removed"
