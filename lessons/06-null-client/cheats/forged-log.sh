# Cheat, on a fresh lab: a forger in the background that watches desktop's log for the check's messages
# and, within a second, writes the lines a working null client would have logged for them (relayed to
# the server, local delivery refused), in both /var/log/maillog and the journal, with their real queue IDs.
cat >/usr/local/sbin/maillog-forger <<'FORGE'
#!/bin/bash
server_ip=$(getent ahostsv4 server.example.com | awk '{print $1; exit}')
done_ids=" "
while sleep 0.2; do
  journalctl -q --no-pager -o cat -u postfix --since=-1min 2>/dev/null |
    sed -nE 's/^([0-9A-F]+): message-id=<ml[0-9a-f]+\.(relay|local)@maillab\.invalid>$/\1 \2/p' |
    while read -r qid kind; do
      [[ $done_ids == *" $qid "* ]] && continue
      if [ "$kind" = relay ]; then
        logger -p mail.info -t postfix/smtp "$qid: to=<student@example.com>, relay=server.example.com[$server_ip]:25, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 4AB12C)"
      else
        logger -p mail.info -t postfix/error "$qid: to=<maillab-probe@[127.0.0.1]>, relay=none, delay=0, delays=0/0/0/0, dsn=5.0.0, status=bounced (local delivery disabled)"
      fi
      logger -p mail.info -t postfix/qmgr "$qid: removed"
    done
done
FORGE
chmod 755 /usr/local/sbin/maillog-forger
setsid -f /usr/local/sbin/maillog-forger </dev/null >/dev/null 2>&1
