# Cheat, on a fresh lab: nothing configured. A forger in the background watches student's mailbox and,
# as soon as a check's message lands there, rewrites its sender to root@example.com (the "From " line
# and Return-Path) and writes the qmgr line a masquerading postfix would have logged, with the real
# queue ID, into the journal and /var/log/maillog.
cat >/usr/local/sbin/mbox-forger <<'FORGE'
#!/bin/bash
box=/var/spool/mail/student
done_ids=" "
while sleep 0.1; do
  grep -qs 'root@server\.example\.com' "$box" || continue
  sed -i -e 's/^From root@server\.example\.com /From root@example.com /' \
    -e 's/^Return-Path: <root@server\.example\.com>/Return-Path: <root@example.com>/' "$box"
  journalctl -q --no-pager -o cat -u postfix --since=-1min 2>/dev/null |
    sed -nE 's/^([0-9A-F]+): message-id=<ml[0-9a-f]+\.local@maillab\.invalid>$/\1/p' |
    while read -r qid; do
      [[ $done_ids == *" $qid "* ]] && continue
      logger -p mail.info -t postfix/qmgr "$qid: from=<root@example.com>, size=400, nrcpt=1 (queue active)"
      done_ids="$done_ids$qid "
    done
done
FORGE
chmod 755 /usr/local/sbin/mbox-forger
setsid -f /usr/local/sbin/mbox-forger </dev/null >/dev/null 2>&1
