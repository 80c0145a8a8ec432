# Cheat, on a fresh lab, on server: nothing configured; instead a forger in the background watches
# postfix's log for a message from desktop's check token ("dk..."), writes the refusal postfix would have
# logged (with logger, into the journal and /var/log/maillog), and removes the delivered message from
# student's mailbox.
cat >/usr/local/sbin/access-forger <<'FORGE'
#!/bin/bash
desktop=$(getent ahostsv4 desktop.example.com | awk '{print $1; exit}')
done_tokens=" "
while sleep 0.2; do
  for tok in $(journalctl -q --no-pager -o cat -u postfix --since=-2min 2>/dev/null |
    sed -nE 's/^[0-9A-F]+: from=<(dk[0-9a-f]+)@desktop\.example\.com>.*/\1/p' | sort -u); do
    [[ $done_tokens == *" $tok "* ]] && continue
    logger -p mail.info -t 'postfix/smtpd[4242]' "NOQUEUE: reject: RCPT from desktop.example.com[$desktop]: 554 5.7.1 <desktop.example.com[$desktop]>: Client host rejected: Access denied; from=<$tok@desktop.example.com> to=<student@example.com> proto=ESMTP helo=<desktop.example.com>"
    sleep 0.3
    /usr/bin/python3 - "$tok" <<'PY'
import mailbox, sys
box = mailbox.mbox("/var/spool/mail/student")
box.lock()
for key, msg in list(box.items()):
    if sys.argv[1] in msg.as_string():
        box.remove(key)
box.flush()
box.unlock()
PY
    done_tokens="$done_tokens$tok "
  done
done
FORGE
chmod 755 /usr/local/sbin/access-forger
setsid -f /usr/local/sbin/access-forger </dev/null >/dev/null 2>&1
