# Null-client check, step 4 of 5, on server: did the nonce from desktop reach student's mailbox, relayed
# by desktop, with an @example.com envelope sender?
spool=/var/spool/mail/student
state=${MAILLAB_FACT_nonce_state:-not-sent}
relayhost=${MAILLAB_FACT_relayhost:-}
myorigin=${MAILLAB_FACT_myorigin:-}
myorigin_x=${MAILLAB_FACT_myorigin_x:-}
arrived() { grep -qF "$MAILLAB_NONCE" "$spool" 2>/dev/null; }
if [ "$state" = left ]; then wait_until 8 arrived; fi

# The headers of the nonce message: Return-Path (the envelope sender local(8) recorded) and Received lines.
headers=$(python3 - "$spool" "$MAILLAB_NONCE" <<'PY'
import mailbox, sys
path, nonce = sys.argv[1], sys.argv[2]
try:
    box = mailbox.mbox(path, create=False)
    for msg in box:
        if nonce in (msg.get('Subject') or ''):
            print('return-path', (msg.get('Return-Path') or '').strip('<> '))
            for r in msg.get_all('Received') or []:
                print('received', ' '.join(r.split()))
            break
except Exception:
    pass
PY
)
return_path=$(sed -n 's/^return-path //p' <<<"$headers" | head -n1)
from_desktop=1
grep -qE '^received from desktop\.example\.com[ (]' <<<"$headers" && from_desktop=0

# --- relay -------------------------------------------------------------------------------------------
relay_ok=1
[[ ${relayhost,,} =~ ^\[(server|mail)\.example\.com\](:(25|smtp))?$ ]] && relay_ok=0
stuck="the check's message ($MAILLAB_NONCE) is still in desktop's $state queue${MAILLAB_FACT_nonce_delivery:+: $MAILLAB_FACT_nonce_delivery}"
if [ "$state" = not-sent ]; then
  fail relay "postfix on desktop is not running, so the check could not send its message." \
    "Start and enable postfix on desktop: a null client still needs it to hand mail to the server."
elif [ $relay_ok -eq 0 ] && [ -n "$headers" ] && [ $from_desktop -eq 0 ]; then
  pass relay "relayhost = $relayhost; the check's message ($MAILLAB_NONCE) arrived in $spool on server, received from desktop.example.com."
elif [ -n "$headers" ] && [ $relay_ok -ne 0 ] && [[ $relayhost == *example.com* ]]; then
  fail relay "The check's message arrived, but relayhost is '$relayhost'." \
    "Write the server's name in square brackets in relayhost: without them postfix looks up MX records for the name instead of connecting to that host."
elif [ -n "$headers" ] && [ $relay_ok -ne 0 ]; then
  fail relay "The check's message arrived, but relayhost is '${relayhost:-empty}': desktop looked up the recipient's domain itself." \
    "A null client hands every message to one relay host, the server, rather than finding each domain's mail server itself: set relayhost to the server's name in square brackets."
elif [ -n "$headers" ]; then
  fail relay "The check's message arrived in $spool but not by SMTP from desktop.example.com." \
    "The message should travel desktop → server over SMTP; look at its Received: headers and at /var/log/maillog on both hosts."
elif [ $relay_ok -ne 0 ]; then
  fail relay "relayhost is '${relayhost:-empty}'; $stuck." \
    "Without a relay host, desktop tries to find example.com's mail server by itself and fails. A null client gives every message to the server: set relayhost (the server's name in square brackets), and read desktop's /var/log/maillog for the reason."
else
  fail relay "relayhost = $relayhost, but the check's message did not reach $spool on server within the wait; $stuck." \
    "Follow the check's message in /var/log/maillog on desktop and on server (search for its queue ID) to see where it stopped."
fi

# --- masquerade: the setting, and the envelope sender the message really carried ----------------------
sender=${return_path:-${MAILLAB_FACT_nonce_sender:-}}
seen_where="the check's message carried envelope sender <$sender>"
[ -n "$return_path" ] && seen_where="the check's message arrived with Return-Path <$sender>"
if [ "$state" = not-sent ]; then
  fail masquerade "myorigin = $myorigin ($myorigin_x), but no message could be sent: postfix on desktop is not running." \
    "Start and enable postfix on desktop, then check again."
elif [ "${myorigin_x,,}" = example.com ] && [[ ${sender,,} == *@example.com ]]; then
  pass masquerade "myorigin = $myorigin (expands to $myorigin_x); $seen_where."
elif [ "${myorigin_x,,}" = example.com ]; then
  fail masquerade "myorigin expands to $myorigin_x, but $seen_where." \
    "main.cf is right but the running postfix has not read it: reload or restart postfix on desktop."
else
  fail masquerade "myorigin expands to '$myorigin_x', and $seen_where." \
    "Mail from a null client should look as if it came from the domain, not from the workstation: myorigin should name the domain (refer to \$mydomain rather than typing it)."
fi
