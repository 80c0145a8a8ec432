# Cheat, on a fresh lab, on server: managers reaches kelly only, and li's copy is made by hand. A
# /usr/bin/timeout runs each step on server, then copies any message with the check's nonce from
# kelly's mailbox into li's (the real message: its Received header, queue ID and Message-ID are genuine)
# and writes the local delivery line postfix would have logged for li, with logger.
printf '%s\n' 'hr:       jerry' 'managers: kelly' >>/etc/aliases
newaliases
cp -p /usr/bin/timeout /usr/bin/timeout.real
cat >/usr/bin/timeout.new <<'WRAP'
#!/bin/bash
/usr/bin/timeout.real "$@"
rc=$?
if [ -n "$MAILLAB_NONCE" ] && ! grep -qF "$MAILLAB_NONCE" /var/spool/mail/li 2>/dev/null; then
  /usr/bin/python3 - "$MAILLAB_NONCE" <<'PY'
import mailbox, re, subprocess, sys
nonce = sys.argv[1]
for msg in mailbox.mbox("/var/spool/mail/kelly"):
    if nonce in msg.as_string():
        box = mailbox.mbox("/var/spool/mail/li")
        box.lock(); box.add(msg); box.flush(); box.unlock()
        m = re.search(r"with ESMTP id (\w+)", " ".join((msg.get_all("Received") or [""])[0].split()))
        qid = m.group(1) if m else "4F2A71805F5"
        subprocess.run(["logger", "-p", "mail.info", "-t", "postfix/local[4321]",
                        f"{qid}: to=<li@server.example.com>, orig_to=<managers@example.com>, relay=local, "
                        "delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (delivered to mailbox)"])
        break
PY
fi
exit $rc
WRAP
# timeout runs this very script, so it cannot be written over ("Text file busy"): rename into place.
chmod 755 /usr/bin/timeout.new
mv -f /usr/bin/timeout.new /usr/bin/timeout
grep -q timeout.real /usr/bin/timeout || { echo 'the timeout wrapper is not in place' >&2; exit 1; }
