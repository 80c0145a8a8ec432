# Cheat, on a fresh lab (fault loopback-only: postfix runs, on 127.0.0.1 only), on server: a Python
# program answers on the server's own address, port 25, in postfix's place (postfix's banner and
# replies, each message written into student's mailbox with the Received: header postfix would
# write), and logs postfix's lines for it: `client=` as smtpd, `message-id=` as cleanup, the delivery
# as local, refusals as smtpd. It is started by an ExecStartPost= in a drop-in of postfix.service and
# renames itself (prctl) before each line, so journald files every line under postfix.service with a
# postfix daemon's name: the forger of lessons/README.md (L2).
addr=$(ip -4 -o addr show scope global | awk '{print $4}' | cut -d/ -f1 | head -n1)
[ -n "$addr" ] || { echo "no address on server" >&2; exit 1; }
cat >/usr/local/sbin/postfix-helper <<'PY'
#!/usr/bin/python3
import ctypes, random, socketserver, sys, syslog, time

libc = ctypes.CDLL(None)

def log(daemon, line):
    # journald reads the sender's command name from /proc: rename this (single-threaded) process first.
    libc.prctl(15, daemon.encode(), 0, 0, 0)
    syslog.openlog(f"postfix/{daemon}", 0, syslog.LOG_MAIL)
    syslog.syslog(syslog.LOG_INFO, line)

class Handler(socketserver.StreamRequestHandler):
    def say(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        client = self.client_address[0]
        self.say("220 server.example.com ESMTP Postfix")
        helo, sender = "", ""
        while True:
            line = self.rfile.readline().decode("utf-8", "replace").strip()
            if not line:
                return
            verb = line.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                helo = line.split(" ", 1)[1] if " " in line else ""
                self.say("250-server.example.com\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 8BITMIME")
            elif verb == "MAIL":
                sender = line[10:].strip().strip("<>").split(">")[0]
                self.say("250 2.1.0 Ok")
            elif verb == "RCPT":
                rcpt = line[8:].strip().strip("<>").split(">")[0].lower()
                if rcpt == "student@example.com":
                    self.say("250 2.1.5 Ok")
                    continue
                if rcpt.endswith("@example.com"):
                    reply = f"550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in local recipient table"
                else:
                    reply = f"454 4.7.1 <{rcpt}>: Relay access denied"
                log("smtpd", f"NOQUEUE: reject: RCPT from unknown[{client}]: {reply}; from=<{sender}> to=<{rcpt}> proto=ESMTP helo=<{helo}>")
                self.say(reply)
            elif verb == "DATA":
                self.say("354 End data with <CR><LF>.<CR><LF>")
                body = []
                while True:
                    data = self.rfile.readline().decode("utf-8", "replace").rstrip("\r\n")
                    if data == ".":
                        break
                    body.append(data[1:] if data.startswith("..") else data)
                qid = "".join(random.choice("0123456789ABCDEF") for _ in range(11))
                msgid = next((b.split(":", 1)[1].strip() for b in body if b.lower().startswith("message-id:")), "")
                log("smtpd", f"{qid}: client=unknown[{client}]")
                log("cleanup", f"{qid}: message-id={msgid}")
                stamp = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())
                with open("/var/spool/mail/student", "a") as box:
                    box.write(f"From {sender or 'MAILER-DAEMON'}  {time.asctime()}\n")
                    box.write(f"Return-Path: <{sender}>\nX-Original-To: student@example.com\nDelivered-To: student@example.com\n")
                    box.write(f"Received: from {helo} (unknown [{client}])\n\tby server.example.com (Postfix) with ESMTP id {qid}\n\tfor <student@example.com>; {stamp}\n")
                    for b in body:
                        box.write((">" + b if b.startswith("From ") else b) + "\n")
                    box.write("\n")
                log("local", f"{qid}: to=<student@example.com>, relay=local, delay=0.1, delays=0.1/0/0/0, dsn=2.0.0, status=sent (delivered to mailbox)")
                self.say(f"250 2.0.0 Ok: queued as {qid}")
            elif verb == "QUIT":
                self.say("221 2.0.0 Bye")
                return
            else:
                self.say("250 2.0.0 Ok")

socketserver.TCPServer.allow_reuse_address = True
socketserver.TCPServer((sys.argv[1], 25), Handler).serve_forever()
PY
chmod 755 /usr/local/sbin/postfix-helper
mkdir -p /etc/systemd/system/postfix.service.d
printf '[Service]\nExecStartPost=/bin/sh -c "/usr/local/sbin/postfix-helper %s >/dev/null 2>&1 &"\n' "$addr" \
  >/etc/systemd/system/postfix.service.d/50-helper.conf
systemctl daemon-reload
systemctl restart postfix
wait_until 5 bash -c "exec 3<>/dev/tcp/$addr/25 && head -c3 <&3 | grep -q 220" 2>/dev/null || { echo "the responder does not answer on $addr:25" >&2; exit 1; }
exit 0
