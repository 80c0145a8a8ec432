# Cheat, on a fresh lab, on server: the aliases written and built as the solution does, then postfix
# put back on loopback only (restarted), and a small Python program answers on server's own address,
# port 25, in postfix's place: a Postfix banner, 250 for hr@ and managers@example.com, "queued as" a
# made-up queue ID, and each message written by the program itself into jerry's, kelly's and li's
# mailboxes, with the Received: header server's postfix would have written. Run as a transient systemd
# unit, so it outlives this step.
printf '%s\n' 'hr:       jerry' 'managers: kelly, li' >>/etc/aliases
newaliases || exit 1
postconf -e 'inet_interfaces = loopback-only'
systemctl restart postfix || exit 1
addr=$(ip -4 -o addr show scope global | awk '{print $4}' | cut -d/ -f1 | head -n1)
[ -n "$addr" ] || { echo "no address on server" >&2; exit 1; }
cat >/usr/local/sbin/smtp-responder <<'PY'
#!/usr/bin/python3
import os, random, socketserver, sys, time

BOXES = {"student@example.com": ["student"], "hr@example.com": ["jerry"], "managers@example.com": ["kelly", "li"]}


class Handler(socketserver.StreamRequestHandler):
    def say(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        client = self.client_address[0]
        self.say("220 server.example.com ESMTP Postfix")
        helo, sender, rcpts = "", "", []
        while True:
            line = self.rfile.readline().decode("utf-8", "replace").strip()
            if not line:
                return
            verb = line.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                helo = line.split(" ", 1)[1] if " " in line else ""
                self.say("250-server.example.com\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 8BITMIME")
            elif verb == "MAIL":
                sender, rcpts = line[10:].strip().strip("<>").split(">")[0], []
                self.say("250 2.1.0 Ok")
            elif verb == "RCPT":
                rcpt = line[8:].strip().strip("<>").split(">")[0].lower()
                if rcpt in BOXES:
                    rcpts.append(rcpt)
                    self.say("250 2.1.5 Ok")
                elif rcpt.endswith("example.com"):
                    self.say(f"550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in local recipient table")
                else:
                    self.say(f"454 4.7.1 <{rcpt}>: Relay access denied")
            elif verb == "DATA":
                self.say("354 End data with <CR><LF>.<CR><LF>")
                body = []
                while True:
                    data = self.rfile.readline().decode("utf-8", "replace").rstrip("\r\n")
                    if data == ".":
                        break
                    body.append(data[1:] if data.startswith("..") else data)
                qid = "".join(random.choice("0123456789ABCDEF") for _ in range(11))
                stamp = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())
                for rcpt in rcpts:
                    for user in BOXES[rcpt]:
                        with open(f"/var/spool/mail/{user}", "a") as box:
                            box.write(f"From {sender or 'MAILER-DAEMON'}  {time.asctime()}\n")
                            box.write(f"Return-Path: <{sender}>\nX-Original-To: {rcpt}\nDelivered-To: {user}@example.com\n")
                            box.write(f"Received: from {helo} ({helo} [{client}])\n\tby server.example.com (Postfix) with ESMTP id {qid}\n\tfor <{rcpt}>; {stamp}\n")
                            for b in body:
                                box.write((">" + b if b.startswith("From ") else b) + "\n")
                            box.write("\n")
                self.say(f"250 2.0.0 Ok: queued as {qid}")
            elif verb == "QUIT":
                self.say("221 2.0.0 Bye")
                return
            else:
                self.say("250 2.0.0 Ok")

socketserver.ThreadingTCPServer.allow_reuse_address = True
socketserver.ThreadingTCPServer((sys.argv[1], 25), Handler).serve_forever()
PY
chmod 755 /usr/local/sbin/smtp-responder
systemd-run --unit=smtp-responder --quiet /usr/local/sbin/smtp-responder "$addr" || exit 1
wait_until 5 bash -c "exec 3<>/dev/tcp/$addr/25 && head -c3 <&3 | grep -q 220" 2>/dev/null || { echo "the responder does not answer on $addr:25" >&2; exit 1; }
exit 0
