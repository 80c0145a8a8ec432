# SMTP AUTH check, part 1, on the grader (a stranger on the network; nothing here judges): talk to
# server's port 25 the way a roaming user's mail program and a spammer would, and hand what was said to
# judge.sh as facts. judge.sh decides once the engine has copied server's configuration and journal.
#   1. EHLO: which AUTH mechanisms postfix offers. Only when it offers none but offers STARTTLS (AUTH only
#      over TLS, smtpd_tls_auth_only = yes), EHLO again inside TLS; then every login below uses STARTTLS.
#      In the same conversation: AUTH ANONYMOUS, a login without a password.
#   2. AUTH as student with the right password, then MAIL, RCPT to student@example.com and to a foreign
#      domain, and a message carrying this run's nonce (its Message-ID binds server's log lines to it).
#   3. AUTH as student with a wrong password (in the background, since a refusal takes PAM about 2 s).
#   4. No AUTH at all: RCPT to a foreign domain, which must be refused.
S=server.example.com
FOREIGN=someone@elsewhere.test
fact start_us "$(date +%s%6N)"

p25=$(tcp_probe $S 25)
fact p25 "$(field 1 <<<"$p25")"
fact p25_text "$(field 2 <<<"$p25")"
[ "$(field 1 <<<"$p25")" = connected ] || exit 0

# step code text of one step of a transcript ("" when the conversation never came to it)
said() { awk -F'\x1f' -v s="$1" '$1 == s {print $2 "\x1f" $3; exit}' <<<"$2"; }

work=$(mktemp -d)
# The grader's own SMTP client for what smtp_talk cannot do: "hello" holds one conversation of EHLO, EHLO
# again inside TLS when AUTH waits for it, and AUTH ANONYMOUS; "talk" is smtp_talk with a STARTTLS that
# works (the library's smtp_talk --starttls stops at a ValueError: smtplib needs the host name that
# connect() does not record), used only when AUTH is offered inside TLS alone. Same output as smtp_talk.
cat >"$work/smtp.py" <<'PY'
import os, base64, email.utils, smtplib, ssl, sys
# The Check's own HELO (judge.sh draws it): no name of the grader's own reaches the server.
HELO = os.environ.get("MAILLAB_PROBE_HELO") or "probe.example.net"
def out(*f):
    print("\x1f".join(str(x).replace("\r", "").replace("\n", " | ").replace("\x1f", " ") for x in f))
def text(b):
    return b.decode("utf-8", "replace") if isinstance(b, bytes) else str(b)
def tls(s, host):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    s._host = host
    code, msg = s.starttls(context=ctx)
    out("starttls", code, text(msg))
mode, host, port, rest = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
try:
    s = smtplib.SMTP(timeout=8)
    code, msg = s.connect(host, port)
    out("connect", code, text(msg))
    code, msg = s.ehlo(HELO)
    out("ehlo", code, text(msg))
    if mode == "hello":
        if not s.has_extn("auth") and s.has_extn("starttls"):
            tls(s, host)
            code, msg = s.ehlo(HELO)
            out("ehlo-tls", code, text(msg))
        if s.has_extn("auth"):
            token = base64.b64encode(b"maillab").decode()
            code, msg = s.docmd("AUTH", "ANONYMOUS " + token)
            if code == 334:  # a server that wants the trace token on its own line
                code, msg = s.docmd(token)
            out("anonymous", code, text(msg))
        s.quit()
        sys.exit()
    user = password = sender = nonce = None
    rcpts = []
    while rest:
        flag = rest.pop(0)
        if flag == "--auth":
            user, password = rest.pop(0), rest.pop(0)
        elif flag == "--from":
            sender = rest.pop(0)
        elif flag == "--rcpt":
            rcpts.append(rest.pop(0))
        elif flag == "--data-nonce":
            nonce = rest.pop(0)
    tls(s, host)
    s.ehlo(HELO)
    if user is not None:
        try:
            code, msg = s.login(user, password)
        except smtplib.SMTPAuthenticationError as err:
            code, msg = err.smtp_code, err.smtp_error
        except smtplib.SMTPNotSupportedError as err:
            code, msg = "none", str(err)
        out("auth", code, text(msg))
    if sender is not None:
        code, msg = s.mail(sender)
        out("mail", code, text(msg))
        accepted = 0
        for rcpt in rcpts:
            code, msg = s.rcpt(rcpt)
            out(f"rcpt {rcpt}", code, text(msg))
            accepted += 200 <= code < 300
        if nonce and accepted:
            body = (
                f"From: <{sender}>\r\nTo: <{rcpts[0]}>\r\nSubject: maillab check {nonce}\r\n"
                f"Message-ID: <{nonce}.smtp@maillab.invalid>\r\nDate: {email.utils.formatdate()}\r\n\r\n"
                f"Sent by the maillab grader.\r\nNonce: {nonce}\r\n"
            )
            code, msg = s.data(body.encode())
            out("data", code, text(msg))
    s.quit()
except Exception as err:
    out("error", "error", err)
PY

# 1. EHLO (and EHLO inside TLS when AUTH waits for it), then AUTH ANONYMOUS.
hello=$(/usr/bin/python3 "$work/smtp.py" hello $S 25)
fact ehlo "$(said ehlo "$hello" | field 2)"
fact ehlo_tls "$(said ehlo-tls "$hello" | field 2)"
fact anon_code "$(said anonymous "$hello" | field 1)"
fact anon_text "$(said anonymous "$hello" | field 2)"
fact hello_error "$(said error "$hello" | field 2)"
tls=""
if ! grep -qiE '(^| \| )AUTH[ =]' <<<"$(said ehlo "$hello" | field 2)" &&
  grep -qiE '(^| \| )AUTH[ =]' <<<"$(said ehlo-tls "$hello" | field 2)"; then
  tls=--starttls
fi
fact tls "$tls"
# One conversation: smtp_talk, or the grader's own client when it must start TLS first.
talk() {
  if [ -n "$tls" ]; then /usr/bin/python3 "$work/smtp.py" talk "$@"; else smtp_talk "$@"; fi
}

# 3. a wrong password, in the background meanwhile.
talk $S 25 --auth student "wrong-$MAILLAB_NONCE" >"$work/bad" 2>&1 &

# 2. the right password, then relay to a foreign domain, with this run's nonce.
talk=$(talk $S 25 --auth student student --from student@example.com \
  --rcpt student@example.com --rcpt "$FOREIGN" --data-nonce "$MAILLAB_NONCE")
fact good_code "$(said auth "$talk" | field 1)"
fact good_text "$(said auth "$talk" | field 2)"
fact local_code "$(said 'rcpt student@example.com' "$talk" | field 1)"
fact relay_code "$(said "rcpt $FOREIGN" "$talk" | field 1)"
fact relay_text "$(said "rcpt $FOREIGN" "$talk" | field 2)"
fact data_code "$(said data "$talk" | field 1)"
fact good_error "$(said error "$talk" | field 2)"

# 4. no AUTH: a stranger asks the server to pass mail on.
talk=$(smtp_talk $S 25 --from stranger@example.net --rcpt "$FOREIGN")
fact open_code "$(said "rcpt $FOREIGN" "$talk" | field 1)"
fact open_text "$(said "rcpt $FOREIGN" "$talk" | field 2)$(said error "$talk" | field 2)"

wait
bad=$(cat "$work/bad")
rm -rf "$work"
fact bad_code "$(said auth "$bad" | field 1)"
fact bad_text "$(said auth "$bad" | field 2)$(said error "$bad" | field 2)"
exit 0
