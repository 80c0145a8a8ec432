# Lesson 01 check, step 1 of 2, on desktop: let a message just sent finish its first delivery attempt,
# then tell the server step what stayed behind on desktop (local copies, messages waiting in the queue).
SUBJECT="Hello from desktop"

state=$(systemctl is-active postfix 2>/dev/null)
fact desktop_postfix "${state:-unknown}"
busy() { [ -n "$(find /var/spool/postfix/{maildrop,incoming,active} -type f 2>/dev/null | head -n1)" ]; }
idle() { ! busy; }
if [ "$state" = active ]; then wait_until 10 idle; fi

# Mailboxes on desktop holding a message with the asked subject: a sign it never left desktop.
fact desktop_local "$(python3 - "$SUBJECT" <<'PY'
import glob, mailbox, os, sys
from email.header import decode_header, make_header
want = sys.argv[1].strip().lower()
found = []
paths = glob.glob('/var/spool/mail/*') + ['/root/mbox'] + glob.glob('/home/*/mbox')
for path in paths:
    if not os.path.isfile(path):
        continue
    try:
        for msg in mailbox.mbox(path, create=False):
            subject = str(make_header(decode_header(msg.get('Subject') or ''))).strip().lower()
            if subject == want:
                found.append(path)
                break
    except Exception:
        pass
print(' '.join(found))
PY
)"
# Messages still waiting in desktop's queue, with postfix's reason.
if [ "$state" = active ]; then
  fact desktop_queue "$(postqueue -j 2>/dev/null | python3 -c '
import json, sys
out = []
for line in sys.stdin:
    if line.strip():
        r = json.loads(line)
        for rc in r.get("recipients") or []:
            out.append("%s to %s (%s)" % (r.get("queue_name"), rc.get("address"), rc.get("delay_reason") or "waiting"))
print("; ".join(out)[:300])
')"
fi
