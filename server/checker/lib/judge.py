# maillab judge helpers, run by judge.sh on the hidden grader only: reading evidence the engine copied
# from student hosts (journals, mailboxes) and talking to the lab's daemons from outside (TCP, SMTP,
# POP3, IMAP, TLS). Each subcommand prints plain lines for bash to read; fields are separated by the
# unit separator (\x1f) so that any text may appear in them. Nothing here trusts a student host's
# programs: files arrive through the engine, and the network is observed from the grader.
import marshal
import os
import sys
import zlib

# Modules are imported by the subcommands that use them: a check calls this helper several times, and
# importing them all cost every call two thirds of its time (re, json, socket, subprocess, hashlib, and
# the mail and TLS modules).

US = "\x1f"

# Postfix's daemons; a line from any other command (logger, postlog, systemd-cat, a shell) is not
# postfix's, even when it claims the postfix/... syslog identifier.
POSTFIX_COMMS = {
    "master", "pickup", "cleanup", "qmgr", "smtp", "smtpd", "local", "error", "bounce", "trivial-rewrite",
    "lmtp", "virtual", "pipe", "showq", "postscreen", "anvil", "scache", "tlsmgr", "verify", "proxymap",
    "flush", "discard", "tlsproxy", "dnsblog", "oqmgr", "spawn",
}
# Dovecot's processes as journald names them (_COMM, at most 15 characters): its master, and the log
# process that writes every other process's lines (measured on dovecot 2.3: only "dovecot" and "log"
# appear); the rest in case a setting sends a process's lines to syslog itself.
DOVECOT_COMMS = {
    "dovecot", "log", "auth", "auth-worker", "anvil", "config", "imap", "imap-login", "pop3", "pop3-login",
    "lmtp", "stats", "indexer", "indexer-worker", "dict", "submission", "submission-logi", "doveadm",
    "managesieve", "managesieve-log",
}
# The command names each unit's own daemons log under. A unit not listed here is trusted for nothing:
# "any command but a known forger" let a `python3.11` run as `dovecot@x.service` pass (measured).
UNIT_COMMS = {"postfix": POSTFIX_COMMS, "dovecot": DOVECOT_COMMS, "saslauthd": {"saslauthd"}}


def out(*fields):
    print(US.join(str(f).replace("\n", " ").replace(US, " ") for f in fields))


# The fields the judge reads; the rest of each journal entry is dropped before caching.
KEPT = ("MESSAGE", "SYSLOG_IDENTIFIER", "_COMM", "_SYSTEMD_UNIT", "__REALTIME_TIMESTAMP", "_PID")


def journal_entries(directory):
    """The journal copied from a host, parsed once per run: a judge asks for several messages' lines,
    and journalctl plus JSON parsing of a 4 MB journal is most of a check's judging time. The cache is
    marshalled (no module to import to read it back) in the grader's work directory."""
    if not os.path.isdir(directory):
        return []
    work = os.environ.get("MAILLAB_WORK", "")
    # Keyed by the files as copied (a later collect step copies a newer journal: a new key).
    files = sorted(
        (os.path.join(root, name), os.stat(os.path.join(root, name)).st_size, os.stat(os.path.join(root, name)).st_mtime_ns)
        for root, _dirs, names in os.walk(directory) for name in names
    )
    key = f"{zlib.crc32(repr((directory, files)).encode()):08x}{len(files):04x}"
    cache = os.path.join(work, f"journal-{key}.marshal") if work else ""
    if cache and os.path.isfile(cache):
        with open(cache, "rb") as f:
            return marshal.load(f)
    import json
    import subprocess

    proc = subprocess.run(
        ["journalctl", "-D", directory, "-o", "json", "--no-pager", "-q"],
        capture_output=True, text=True, errors="replace", timeout=20,
    )
    entries = []
    for line in proc.stdout.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        message = entry.get("MESSAGE")
        if isinstance(message, list):  # journald's form for a message that is not UTF-8
            message = bytes(message).decode("utf-8", "replace")
        entry["MESSAGE"] = message or ""
        entries.append({k: entry[k] for k in KEPT if k in entry})
    if cache:
        with open(cache, "wb") as f:
            marshal.dump(entries, f)
    return entries


def trusted(entry, unit):
    """A line the daemon itself wrote. journald fills the fields that start with an underscore from
    the sending process (its cgroup, hence its systemd unit, and its command name), not from the
    text, so a logger line that claims to be postfix/smtp still shows _COMM=logger and no postfix
    unit. (_EXE would be stronger, but journald cannot read it for postfix's unprivileged daemons in
    an unprivileged container.) A postfix started by hand, outside its unit, is not believed either:
    postfix_outside_unit() tells the student why. The unit must be the daemon's own, exactly:
    `systemd-run --unit=dovecot@x` makes a unit of any program, its lines carrying that name."""
    comm = entry.get("_COMM") or ""
    return (entry.get("_SYSTEMD_UNIT") or "") == f"{unit}.service" and comm in UNIT_COMMS.get(unit, ())


def cmd_outside(args):
    """outside DIR: the number of lines postfix's daemons wrote from outside postfix.service (postfix
    started by hand with `postfix start`), which checks do not believe."""
    count = sum(
        1 for e in journal_entries(args[0])
        if (e.get("_COMM") or "") in POSTFIX_COMMS and not (e.get("_SYSTEMD_UNIT") or "").startswith("postfix")
        and (e.get("SYSLOG_IDENTIFIER") or "").startswith("postfix")
    )
    out(count)


def is_word(text):
    """A postfix queue ID: letters, digits, underscores (a regular expression's \\w+)."""
    return bool(text) and all(c.isalnum() or c == "_" for c in text)


def message_id(rest):
    """The Message-ID at the start of what follows "message-id=": <...>, or up to the first space."""
    if rest.startswith("<") and ">" in rest:
        return rest[: rest.index(">") + 1]
    return rest.split(None, 1)[0] if rest.strip() else ""


def cmd_log(args):
    """log DIR UNIT [MSGID...]: the unit's trusted lines; with MSGIDs, only the lines of the queue IDs
    whose cleanup line carries one of them. Output: ident<US>message<US>realtime-µs."""
    directory, unit, msgids = args[0], args[1], set(args[2:])
    lines = [
        (e.get("SYSLOG_IDENTIFIER") or e.get("_COMM") or unit, e["MESSAGE"], e.get("__REALTIME_TIMESTAMP", "0"))
        for e in journal_entries(directory)
        if trusted(e, unit)
    ]
    if msgids:
        qids = set()
        for _ident, msg, _t in lines:
            qid, said, rest = msg.partition(": message-id=")
            if said and is_word(qid) and message_id(rest) in msgids:
                qids.add(qid)
        lines = [ln for ln in lines if ln[1].partition(":")[1] and ln[1].partition(":")[0] in qids]
    for ident, msg, stamp in lines:
        out(ident, msg, stamp)


def decoded(value):
    import email.header

    try:
        return " ".join(str(email.header.make_header(email.header.decode_header(value or ""))).split())
    except Exception:
        return " ".join((value or "").split())


def cmd_mbox(args):
    """mbox [--needle N] FILE...: one line per message in the mbox files:
    path, subject, message-id, return-path, status, qid, client-ip, helo, needle(1/0).
    qid and client-ip come from the topmost Received: header written by a Postfix that received it
    over SMTP (the client address in brackets is what that server saw, not what the client said)."""
    import mailbox
    import re

    received_re = re.compile(
        r"from\s+(?P<helo>\S+)\s+\((?P<rdns>[^\[\)]*)\[(?P<ip>[0-9A-Fa-f.:]+)\]\)"
        r".*?\bby\s+(?P<by>\S+)\s+\(Postfix\)\s+with\s+(?P<proto>\S+)\s+id\s+(?P<qid>\w+)",
        re.S,
    )
    local_received_re = re.compile(r"\bby\s+(?P<by>\S+)\s+\(Postfix(, from userid \d+)?\)\s+id\s+(?P<qid>\w+)", re.S)
    needle = ""
    if args[:1] == ["--needle"]:
        needle, args = args[1], args[2:]
    for path in args:
        if not os.path.isfile(path):
            continue
        try:
            messages = list(mailbox.mbox(path, create=False))
        except Exception:
            continue
        for msg in messages:
            received = msg.get_all("Received") or []
            qid = ip = helo = ""
            if received:
                top = " ".join(received[0].split())
                m = received_re.search(top)
                if m:
                    qid, ip, helo = m.group("qid"), m.group("ip"), m.group("helo")
                else:
                    m = local_received_re.search(top)
                    if m:
                        qid = m.group("qid")
            status = (msg.get("Status") or "") + (msg.get("X-Status") or "")
            has = "1" if needle and needle in msg.as_string() else "0"
            out(
                path, decoded(msg.get("Subject")), (msg.get("Message-ID") or "").strip(),
                (msg.get("Return-Path") or "").strip().strip("<>"), status, qid, ip, helo, has,
            )


def connect(host, port, timeout):
    import socket

    return socket.create_connection((host, int(port)), timeout=timeout)


def cmd_tcp(args):
    """tcp HOST PORT: 'connected<US>first line', 'refused', 'timeout' or 'error<US>why'."""
    import socket

    host, port = args[0], args[1]
    try:
        with connect(host, port, 3) as sock:
            sock.settimeout(3)
            try:
                first = sock.recv(512).decode("utf-8", "replace").splitlines()
            except socket.timeout:
                first = []
            out("connected", first[0] if first else "")
    except ConnectionRefusedError:
        out("refused")
    except socket.timeout:
        out("timeout")
    except OSError as err:
        out("error", err.strerror or str(err))


def cmd_smtp(args):
    """smtp HOST PORT [--helo H] [--starttls] [--auth USER PASS] [--from F] [--rcpt R]... [--data-nonce N]:
    one SMTP conversation from the grader. Output: step<US>code<US>text for connect, ehlo, starttls,
    auth, mail, rcpt (one per recipient), data; it stops at the first refused step but mail and rcpt."""
    import email.utils
    import smtplib
    import ssl
    host, port, rest = args[0], args[1], args[2:]
    helo, sender, rcpts, auth, starttls, nonce = "grader.example.com", None, [], None, False, None
    while rest:
        flag = rest.pop(0)
        if flag == "--helo":
            helo = rest.pop(0)
        elif flag == "--from":
            sender = rest.pop(0)
        elif flag == "--rcpt":
            rcpts.append(rest.pop(0))
        elif flag == "--auth":
            auth = (rest.pop(0), rest.pop(0))
        elif flag == "--starttls":
            starttls = True
        elif flag == "--data-nonce":
            nonce = rest.pop(0)
    try:
        smtp = smtplib.SMTP(timeout=8)
        code, text = smtp.connect(host, int(port))
    except (OSError, smtplib.SMTPException) as err:
        out("connect", "refused" if isinstance(err, ConnectionRefusedError) else "error", str(err))
        return
    out("connect", code, text.decode("utf-8", "replace"))
    # connect() called on its own does not record the name that STARTTLS needs for SNI.
    smtp._host = host
    try:
        code, text = smtp.ehlo(helo)
        out("ehlo", code, text.decode("utf-8", "replace").replace("\n", " | "))
        if starttls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            code, text = smtp.starttls(context=context)
            out("starttls", code, text.decode("utf-8", "replace"))
            code, text = smtp.ehlo(helo)
        if auth:
            try:
                code, text = smtp.login(auth[0], auth[1])
            except smtplib.SMTPAuthenticationError as err:
                code, text = err.smtp_code, err.smtp_error
            except smtplib.SMTPNotSupportedError as err:
                code, text = "none", str(err).encode()
            out("auth", code, text.decode("utf-8", "replace") if isinstance(text, bytes) else text)
        if sender is None:
            return
        code, text = smtp.mail(sender)
        out("mail", code, text.decode("utf-8", "replace"))
        accepted = 0
        for rcpt in rcpts:
            code, text = smtp.rcpt(rcpt)
            out(f"rcpt {rcpt}", code, text.decode("utf-8", "replace"))
            accepted += 200 <= code < 300
        if nonce and accepted:
            body = (
                f"From: <{sender}>\r\nTo: <{rcpts[0]}>\r\nSubject: maillab check {nonce}\r\n"
                f"Message-ID: <{nonce}.smtp@maillab.invalid>\r\nDate: {email.utils.formatdate()}\r\n\r\n"
                f"Sent by the maillab grader.\r\nNonce: {nonce}\r\n"
            )
            code, text = smtp.data(body.encode())
            out("data", code, text.decode("utf-8", "replace"))
        smtp.quit()
    except (OSError, smtplib.SMTPException) as err:
        out("error", "error", str(err))


def tls_context():
    import ssl

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def cmd_pop3(args):
    """pop3 HOST PORT USER PASS [--ssl] [--needle N]: login<US>ok|err<US>text, then
    count<US>N and needle<US>found|missing."""
    import poplib
    host, port, user, password, rest = args[0], int(args[1]), args[2], args[3], args[4:]
    use_ssl, needle = "--ssl" in rest, rest[rest.index("--needle") + 1] if "--needle" in rest else ""
    try:
        box = poplib.POP3_SSL(host, port, timeout=8, context=tls_context()) if use_ssl else poplib.POP3(host, port, timeout=8)
    except (OSError, poplib.error_proto) as err:
        out("connect", "err", str(err))
        return
    out("connect", "ok", box.getwelcome().decode("utf-8", "replace"))
    try:
        box.user(user)
        reply = box.pass_(password)
        out("login", "ok", reply.decode("utf-8", "replace"))
    except (OSError, poplib.error_proto) as err:
        out("login", "err", str(err))
        return
    count = len(box.list()[1])
    out("count", count)
    if needle:
        found = any(needle.encode() in b"\n".join(box.retr(i)[1]) for i in range(1, count + 1))
        out("needle", "found" if found else "missing")
    box.quit()


def cmd_imap(args):
    """imap HOST PORT USER PASS [--ssl] [--needle N]: connect, login, select (message count), needle."""
    import imaplib
    host, port, user, password, rest = args[0], int(args[1]), args[2], args[3], args[4:]
    use_ssl, needle = "--ssl" in rest, rest[rest.index("--needle") + 1] if "--needle" in rest else ""
    try:
        conn = imaplib.IMAP4_SSL(host, port, ssl_context=tls_context(), timeout=8) if use_ssl else imaplib.IMAP4(host, port, timeout=8)
    except (OSError, imaplib.IMAP4.error) as err:
        out("connect", "err", str(err))
        return
    out("connect", "ok", conn.welcome.decode("utf-8", "replace"))
    try:
        typ, data = conn.login(user, password)
        out("login", "ok", b" ".join(data).decode("utf-8", "replace"))
    except (OSError, imaplib.IMAP4.error) as err:
        out("login", "err", str(err))
        return
    typ, data = conn.select("INBOX")
    out("select", typ.lower(), data[0].decode("utf-8", "replace") if data and data[0] else "")
    if needle and typ == "OK":
        typ, data = conn.search(None, "TEXT", f'"{needle}"')
        out("needle", "found" if typ == "OK" and data and data[0].split() else "missing")
    conn.logout()


def describe_cert(der):
    import base64
    import hashlib
    import subprocess
    import tempfile
    pem = "-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(der).decode() + "-----END CERTIFICATE-----\n"
    with tempfile.NamedTemporaryFile("w", suffix=".pem", delete=False) as f:
        f.write(pem)
    try:
        subject = subprocess.run(
            ["openssl", "x509", "-noout", "-subject", "-nameopt", "RFC2253", "-in", f.name],
            capture_output=True, text=True,
        ).stdout.strip().removeprefix("subject=")
    finally:
        os.unlink(f.name)
    return hashlib.sha256(der).hexdigest(), subject


def cmd_tls(args):
    """tls HOST PORT: handshake<US>ok|err<US>protocol, then cert<US>sha256<US>subject."""
    import ssl
    host, port = args[0], int(args[1])
    try:
        with connect(host, port, 5) as sock, tls_context().wrap_socket(sock, server_hostname=host) as tls:
            der = tls.getpeercert(binary_form=True)
            out("handshake", "ok", tls.version())
    except (OSError, ssl.SSLError) as err:
        out("handshake", "err", str(err))
        return
    digest, subject = describe_cert(der)
    out("cert", digest, subject)


def cmd_certfile(args):
    """certfile FILE: cert<US>sha256<US>subject of the first certificate in a PEM file."""
    import ssl
    try:
        pem = open(args[0]).read()
        der = ssl.PEM_cert_to_DER_cert(pem[pem.index("-----BEGIN CERTIFICATE-----"):pem.index("-----END CERTIFICATE-----") + 25])
    except (OSError, ValueError) as err:
        out("error", str(err))
        return
    digest, subject = describe_cert(der)
    out("cert", digest, subject)


COMMANDS = {
    "log": cmd_log, "outside": cmd_outside, "mbox": cmd_mbox, "tcp": cmd_tcp, "smtp": cmd_smtp, "pop3": cmd_pop3,
    "imap": cmd_imap, "tls": cmd_tls, "certfile": cmd_certfile,
}


# ===== A unit's commands: what systemd would run for it ============================================
# A drop-in (or a unit file in /etc or /run in place of the package's) can start any program inside
# the daemon's own unit, under a daemon's name (prctl), and its journal lines then look like the
# daemon's (lessons/README.md, L2). Settings that start nothing (Environment, limits, Restart) are
# right work; the lines that run programs are compared with the image's own.
EXEC_KEYS = ("ExecCondition", "ExecStartPre", "ExecStart", "ExecStartPost", "ExecReload", "ExecStop", "ExecStopPost")


def unit_exec(files):
    """The Exec* commands of a unit file followed by its drop-ins, in that order: an empty assignment
    resets the list, a value appends to it, as systemd reads them ([Service] only; a backslash at a
    line's end continues it)."""
    commands = {}
    for path in files:
        try:
            with open(path, errors="replace") as f:
                text = f.read()
        except OSError:
            continue
        section = ""
        for line in text.replace("\\\n", " ").splitlines():
            line = line.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("["):
                section = line
                continue
            key, eq, value = line.partition("=")
            if section != "[Service]" or not eq or key.strip() not in EXEC_KEYS:
                continue
            value = " ".join(value.split())
            if value:
                commands.setdefault(key.strip(), []).append(value)
            else:
                commands[key.strip()] = []
    return {k: v for k, v in commands.items() if v}


def dropins(dirs):
    """*.conf files of the drop-in directories, in systemd's order: by file name, a name in an earlier
    (higher-priority) directory hiding the same name in a later one."""
    chosen = {}
    for d in dirs:
        if os.path.isdir(d):
            for name in os.listdir(d):
                if name.endswith(".conf") and name not in chosen and os.path.isfile(os.path.join(d, name)):
                    chosen[name] = os.path.join(d, name)
    return [chosen[n] for n in sorted(chosen)]


def cmd_unit_exec(args):
    """unit-exec UNIT UNIT-FILE DROPIN-DIR...: compare the Exec* commands of UNIT-FILE with DROPIN-DIR's
    drop-ins (a host's, as copied) against the grader's own unit, read from its own systemd
    directories (every host boots from one image). Prints "same", or "changed<US>what differs"."""
    unit, unit_file, dirs = args[0], args[1], args[2:]
    own_file = next(
        (p for p in (f"/etc/systemd/system/{unit}.service", f"/run/systemd/system/{unit}.service",
                     f"/usr/lib/systemd/system/{unit}.service", f"/lib/systemd/system/{unit}.service")
         if os.path.isfile(p) and not os.path.islink(p)), "")
    own = unit_exec([own_file] + dropins([f"/etc/systemd/system/{unit}.service.d", f"/run/systemd/system/{unit}.service.d"]))
    theirs = unit_exec([unit_file] + dropins(dirs))
    diffs = []
    for key in EXEC_KEYS:
        if own.get(key, []) != theirs.get(key, []):
            shown = "; ".join(theirs.get(key, [])) or "nothing"
            diffs.append(f"{key} runs {shown[:120]}")
    if diffs:
        out("changed", ", ".join(diffs))
    else:
        out("same")


COMMANDS["unit-exec"] = cmd_unit_exec
# ===== Which process wrote a daemon's lines ===========================================================
# A process that joins a unit's cgroup (root on the host can write its cgroup.procs) under a daemon's
# name (a copy of python3 named `log`) writes lines journald gives that unit and that name: measured on
# dovecot.service, `_SYSTEMD_UNIT=dovecot.service _COMM=log`. Only its process ID differs from the
# daemon's, so a judge can require that one process wrote every line a criterion rests on.
def cmd_logpid(args):
    """logpid DIR UNIT: the unit's trusted lines as pid<US>message<US>realtime-µs."""
    directory, unit = args[0], args[1]
    for e in journal_entries(directory):
        if trusted(e, unit):
            out(e.get("_PID", ""), e["MESSAGE"], e.get("__REALTIME_TIMESTAMP", "0"))


COMMANDS["logpid"] = cmd_logpid

if __name__ == "__main__":
    COMMANDS[sys.argv[1]](sys.argv[2:])
