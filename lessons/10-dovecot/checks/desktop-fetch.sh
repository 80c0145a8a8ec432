# Dovecot check, acting on desktop, the trusted client (nothing here judges): one POP3 session (USER,
# PASS, LIST, RETR of the newest messages until this run's nonce turns up) and one IMAP session (LOGIN,
# SELECT INBOX, SEARCH for the nonce) with server's dovecot, with plaintext passwords on 110 and 143,
# as a mail reader on desktop would. The judge finds these sessions in dovecot's own log lines on
# server; what desktop says it saw is only quoted in messages.
/usr/bin/python3 - "$MAILLAB_NONCE" <<'PY' | while IFS=$'\t' read -r key value; do fact "$key" "$value"; done
import imaplib, poplib, sys

nonce = sys.argv[1]


def say(key, value):
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    print(f"{key}\t{' '.join(str(value).split())[:200]}")


def why(err):
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    arg = err.args[0] if err.args else err
    return arg.decode("utf-8", "replace") if isinstance(arg, bytes) else str(arg)


try:
    box = poplib.POP3("server.example.com", 110, timeout=8)
except OSError as err:
    say("pop3", f"no connection to server.example.com:110: {why(err)}")
else:
    try:
        box.user("student")
        box.pass_("student")
        count = len(box.list()[1])
        found = "not found"
        for i in range(count, max(count - 20, 0), -1):
            if nonce.encode() in b"\n".join(box.retr(i)[1]):
                found = f"found in message {i}"
                break
        say("pop3", f"logged in as student, {count} messages, the check's message {found}")
        box.quit()
    except (OSError, poplib.error_proto) as err:
        say("pop3", f"failed: {why(err)}")

try:
    conn = imaplib.IMAP4("server.example.com", 143, timeout=8)
except OSError as err:
    say("imap", f"no connection to server.example.com:143: {why(err)}")
else:
    try:
        conn.login("student", "student")
        typ, data = conn.select("INBOX")
        typ, hits = conn.search(None, "TEXT", f'"{nonce}"')
        found = "found" if typ == "OK" and hits and hits[0].split() else "not found"
        say("imap", f"logged in as student, SELECT INBOX: {data[0].decode()} messages, the check's message {found}")
        conn.logout()
    except (OSError, imaplib.IMAP4.error) as err:
        say("imap", f"failed: {why(err)}")
PY
exit 0
