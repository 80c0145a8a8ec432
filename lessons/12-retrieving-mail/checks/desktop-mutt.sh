# Retrieving-mail check, acting on desktop (nothing here judges): run mutt as student, with student's
# own configuration, the way a person would: in a terminal (a pseudo-terminal here), accepting the
# server's certificate once if mutt asks, typing student's password if mutt asks for one, and quitting
# as soon as the index shows. -R opens the mailbox read-only, so no flag in it changes, and
# sleep_time=0 only skips mutt's one-second pauses after informational messages. The judge
# finds the session (or its absence) in dovecot's own log lines on server; what mutt showed is only
# quoted in messages.
# That the session was mutt's, and that mutt read the INBOX, comes from mutt itself: its header cache,
# switched on for this run only (-e after the student's muttrc) in a directory named by this run's
# nonce, holds the headers mutt fetched (uncompressed, so the judge finds the check's Message-ID in
# it). A login by another program (curl, a script in mutt's place) leaves no such cache; the judge also
# compares the copied /usr/bin/mutt with the package's.
hc=/var/tmp/maillab-mutt
install -d -m 0755 "$hc" && install -d -m 0700 -o student "$hc/$MAILLAB_NONCE"
/usr/bin/python3 - <<'PY' | while IFS=$'\t' read -r key value; do fact "$key" "$value"; done
import fcntl, os, pty, re, select, signal, struct, termios, time

env = {"HOME": "/home/student", "USER": "student", "LOGNAME": "student", "TERM": "vt100",
       "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "MAIL": "/var/spool/mail/student"}
try:
    pid, fd = pty.fork()
except OSError as err:
    print(f"mutt_answered\tnothing\nmutt_screen\tno pseudo-terminal: {err}")
    raise SystemExit
if pid == 0:
    try:
        cache = "/var/tmp/maillab-mutt/" + os.environ.get("MAILLAB_NONCE", "none") + "/"
        os.execve("/usr/sbin/runuser", ["runuser", "-u", "student", "--", "/usr/bin/mutt", "-R", "-e", "set sleep_time=0",
                                        "-e", f"set header_cache={cache}", "-e", "unset header_cache_compress"], env)
    finally:
        os._exit(127)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
ESC = re.compile(rb"\x1b(\[[0-9;?]*[ -/]*[@-~]|[()][0-9A-Za-z]|[=>78DEHMc])")
raw, mark, answered, quit_at, last = b"", 0, [], None, time.time()
end = time.time() + 15


def clean(data):
    return " ".join(ESC.sub(b" ", data).decode("utf-8", "replace").split())


def send(what, key):
    global mark
    answered.append(what)
    mark = len(raw)
    os.write(fd, key)


while time.time() < end:
    ready, _, _ = select.select([fd], [], [], 0.2)
    if ready:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        raw += data
        last = time.time()
        new = clean(raw[mark:])
        if "(r)eject, accept (o)nce" in new:
            send("certificate once", b"o")
        elif re.search(r"Password for \S+: *$", new) and answered.count("password") < 2:
            send("password", b"student\r")
        elif re.search(r"\((\[yes\]/no|yes/\[no\])\): *$", new):
            send("no", b"n")
        elif "Press any key to continue" in new:
            send("a key", b"\r")
    elif quit_at is None and "d:Del" in clean(raw[mark:]) and time.time() - last > 0.3:
        quit_at = time.time()
        send("quit", b"q")
    elif quit_at and time.time() - quit_at > 3:
        break
for sig in (signal.SIGTERM, signal.SIGKILL):
    try:
        os.kill(pid, sig)
    except OSError:
        pass
try:
    os.waitpid(pid, 0)
except OSError:
    pass
print("mutt_answered\t" + (", ".join(answered) or "nothing"))
print("mutt_screen\t" + (clean(raw)[-300:] or "(nothing)"))
PY
exit 0
