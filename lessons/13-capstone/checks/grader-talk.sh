# Exam check, part 1, on the grader (a host of the lab network and a stranger to it; nothing here
# judges): probe server's SMTP port and a port no firewall zone allows, then hold the SMTP
# conversations the exam is about, each with this run's nonce, and hand every reply to judge.sh as a
# fact. judge.sh decides once the engine has copied the mailboxes, the configuration and the journals.
#   hello  EHLO, and EHLO again inside STARTTLS when AUTH is offered only there (smtpd_tls_auth_only)
#   bad    AUTH as student with a wrong password, left running in the background (PAM makes a
#          refusal wait about 2 s): grader-fetch.sh waits for its transcript and reports it
#   local  RCPT student@example.com and sales@example.com (the alias), then a message with the nonce
#   names  RCPT student@server.example.com and student@mail.example.com, the server's host names
#   junk   MAIL FROM an address at junk.example.net, the domain the access table must refuse
#   auth   AUTH as student with the right password, then a message to a foreign domain (relay)
#   open   no AUTH: RCPT to a foreign domain, which must be refused
S=server.example.com
FOREIGN=someone@elsewhere.test
fact t0 "$(date +%s%6N)"

p25=$(tcp_probe $S 25)
fact p25 "$(field 1 <<<"$p25")"
fact p25_text "$(field 2 <<<"$p25")"
px=$(tcp_probe $S "$(closed_port)")
fact px "$(field 1 <<<"$px")"
fact px_text "$(field 2 <<<"$px")"
[ "$(field 1 <<<"$p25")" = connected ] || exit 0

# The grader's scratch directory, emptied before every Check: the client and the background
# conversation's transcript stay there for grader-fetch.sh.
work=/var/lib/maillab/work
rm -f "$work/exam-bad" "$work/exam-bad.part"
# The grader's SMTP client: one conversation per call, printed like smtp_talk (step<US>code<US>text),
# with what smtp_talk lacks: a Message-ID per message, AUTH with one mechanism (PLAIN, else LOGIN, so
# a wrong password costs one PAM delay), and STARTTLS before AUTH when the server wants it.
cat >"$work/exam-smtp.py" <<'PY'
import os, email.utils, smtplib, ssl, sys
# The Check's own HELO (judge.sh draws it): no name of the grader's own reaches the server.
HELO = os.environ.get("MAILLAB_PROBE_HELO") or "probe.example.net"
def out(*f):
    print("\x1f".join(str(x).replace("\r", "").replace("\n", " | ").replace("\x1f", " ") for x in f))
def text(b):
    return b.decode("utf-8", "replace") if isinstance(b, bytes) else str(b)
def starttls(s, host, step):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    s._host = host
    code, msg = s.starttls(context=ctx)
    out(step, code, text(msg))
    return s.ehlo(HELO)
host, port, rest = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
hello = tls = False
user = password = sender = msgid = nonce = None
rcpts = []
while rest:
    flag = rest.pop(0)
    if flag == "--hello":
        hello = True
    elif flag == "--tls":
        tls = True
    elif flag == "--auth":
        user, password = rest.pop(0), rest.pop(0)
    elif flag == "--from":
        sender = rest.pop(0)
    elif flag == "--rcpt":
        rcpts.append(rest.pop(0))
    elif flag == "--data":
        msgid, nonce = rest.pop(0), rest.pop(0)
try:
    s = smtplib.SMTP(timeout=10)
    code, msg = s.connect(host, port)
    out("connect", code, text(msg))
    code, msg = s.ehlo(HELO)
    out("ehlo", code, text(msg))
    if hello:
        if not s.has_extn("auth") and s.has_extn("starttls"):
            code, msg = starttls(s, host, "starttls")
            out("ehlo-tls", code, text(msg))
        s.quit()
        sys.exit()
    if tls:
        starttls(s, host, "starttls")
    if user is not None:
        mechs = (s.esmtp_features.get("auth") or "").upper().split()
        mech = "PLAIN" if "PLAIN" in mechs else "LOGIN" if "LOGIN" in mechs else None
        if mech is None:
            out("auth", "none", f"AUTH {' '.join(mechs)}" if s.has_extn("auth") else "no AUTH offered")
        else:
            s.user, s.password = user, password
            try:
                code, msg = s.auth(mech, getattr(s, "auth_" + mech.lower()))
            except smtplib.SMTPAuthenticationError as err:
                code, msg = err.smtp_code, err.smtp_error
            out("auth", code, f"{text(msg)} [{mech}]")
    if sender is not None:
        code, msg = s.mail(sender)
        out("mail", code, text(msg))
        accepted = 0
        for rcpt in rcpts:
            code, msg = s.rcpt(rcpt)
            out(f"rcpt {rcpt}", code, text(msg))
            accepted += 200 <= code < 300
        if msgid and accepted:
            body = (
                f"From: <{sender or 'MAILER-DAEMON'}>\r\nTo: <{rcpts[0]}>\r\nSubject: maillab check {nonce}\r\n"
                f"Message-ID: {msgid}\r\nDate: {email.utils.formatdate()}\r\n\r\n"
                f"Sent by the maillab grader.\r\nNonce: {nonce}\r\n"
            )
            code, msg = s.data(body.encode())
            out("data", code, text(msg))
    s.quit()
except (OSError, smtplib.SMTPException) as err:
    out("error", "error", err)
PY
talk() { /usr/bin/python3 "$work/exam-smtp.py" $S 25 "$@"; }
# record NAME TRANSCRIPT: a fact NAME_<step>_code and NAME_<step>_text for each line
# (step "rcpt sales@example.com" becomes rcpt_sales_example_com).
record() {
  local name=$1 step code text
  while IFS=$'\x1f' read -r step code text; do
    [ -n "$step" ] || continue
    step=${step//[^A-Za-z0-9]/_}
    fact "${name}_${step}_code" "$code"
    fact "${name}_${step}_text" "$text"
  done <<<"$2"
}

hello=$(talk --hello)
record hello "$hello"
tls=""
auth_re='(^| \| )AUTH[ =]'
if ! awk -F'\x1f' '$1 == "ehlo" {print $3}' <<<"$hello" | grep -qiE "$auth_re" &&
  awk -F'\x1f' '$1 == "ehlo-tls" {print $3}' <<<"$hello" | grep -qiE "$auth_re"; then
  tls=--tls
fi
fact tls "$tls"

# Detached, so that this step (and the next ones) need not wait for PAM's delay.
setsid -f /bin/bash -c '/usr/bin/python3 "$0/exam-smtp.py" server.example.com 25 $1 --auth student "$2" >"$0/exam-bad.part" 2>&1; mv "$0/exam-bad.part" "$0/exam-bad"' \
  "$work" "$tls" "wrong-$MAILLAB_NONCE" </dev/null >/dev/null 2>&1
# The other conversations side by side; each transcript in a file of its own.
talk --from '' --rcpt student@example.com --rcpt sales@example.com \
  --data "<$MAILLAB_NONCE.check@maillab.invalid>" "$MAILLAB_NONCE" >"$work/exam-local" 2>&1 &
talk --from '' --rcpt student@server.example.com --rcpt student@mail.example.com >"$work/exam-names" 2>&1 &
talk --from "$MAILLAB_NONCE@junk.example.net" --rcpt student@example.com >"$work/exam-junk" 2>&1 &
talk $tls --auth student student --from student@example.com --rcpt "$FOREIGN" \
  --data "<$MAILLAB_NONCE.relay@maillab.invalid>" "$MAILLAB_NONCE" >"$work/exam-auth" 2>&1 &
talk --from stranger@example.net --rcpt "$FOREIGN" >"$work/exam-open" 2>&1 &
wait
for name in local names junk auth open; do record "$name" "$(cat "$work/exam-$name")"; done
exit 0
