# Cheat, on a fresh lab, on server: postfix stopped, and a small SMTP server in its place on port 25
# that answers what postfix with SMTP AUTH would (AUTH PLAIN LOGIN offered, 235 for student's password,
# 535 for any other, relay only after a login), writing the log lines postfix and saslauthd would have
# written with logger. saslauthd is enabled and running, but nothing ever asks it. main.cf says what
# the work would (SASL on, noanonymous), so only evidence that postfix itself answered tells them apart.
systemctl enable --now saslauthd
postconf -e 'smtpd_sasl_auth_enable = yes' 'smtpd_sasl_security_options = noanonymous'
systemctl stop postfix
cat >/usr/local/sbin/fake-smtpd <<'PY'
#!/usr/bin/python3
import base64, random, socketserver, subprocess

def log(tag, text, prio="mail.info"):
    subprocess.run(["logger", "-p", prio, "-t", tag, text])

class Session(socketserver.StreamRequestHandler):
    def say(self, line):
        self.wfile.write((line + "\r\n").encode())
    def ask(self, line):
        self.say(line)
        return base64.b64decode(self.rfile.readline().strip() or b"").decode("utf-8", "replace")
    def check(self, mech, user, password):
        client = f"grader.example.com[{self.client_address[0]}]"
        if user == "student" and password == "student":
            self.user = user
            self.mech = mech
            self.say("235 2.7.0 Authentication successful")
            return
        log("postfix/smtpd", f"warning: {client}: SASL {mech} authentication failed: authentication failure")
        log("saslauthd", f"                : auth failure: [user={user}] [service=smtp] [realm=] [mech=pam] [reason=PAM auth error]", "auth.info")
        self.say("535 5.7.8 Error: authentication failed: authentication failure")
    def handle(self):
        self.user = None
        self.mech = None
        qid = "%011X" % random.getrandbits(44)
        self.say("220 server.example.com ESMTP Postfix")
        for raw in self.rfile:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line.split(" ", 1)[0].upper()
            arg = line[len(verb):].strip()
            if verb in ("EHLO", "HELO"):
                self.say("250-server.example.com\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME")
            elif verb == "AUTH":
                mech, _, initial = arg.partition(" ")
                mech = mech.upper()
                if mech == "PLAIN":
                    parts = base64.b64decode(initial or b"").decode("utf-8", "replace").split("\0")
                    self.check("PLAIN", parts[1] if len(parts) > 2 else "", parts[-1])
                elif mech == "LOGIN":
                    user = base64.b64decode(initial).decode() if initial else self.ask("334 VXNlcm5hbWU6")
                    self.check("LOGIN", user, self.ask("334 UGFzc3dvcmQ6"))
                else:
                    self.say("535 5.7.8 Error: authentication failed: no mechanism available")
            elif verb == "MAIL":
                self.say("250 2.1.0 Ok")
            elif verb == "RCPT":
                if self.user or arg.lower().endswith("@example.com>"):
                    if self.user:
                        log("postfix/smtpd", f"{qid}: client=grader.example.com[{self.client_address[0]}], sasl_method={self.mech}, sasl_username={self.user}")
                    self.say("250 2.1.5 Ok")
                else:
                    self.say(f"454 4.7.1 {arg[3:]}: Relay access denied")
            elif verb == "DATA":
                self.say("354 End data with <CR><LF>.<CR><LF>")
                for body in self.rfile:
                    text = body.decode("utf-8", "replace").rstrip("\r\n")
                    if text.lower().startswith("message-id:"):
                        log("postfix/cleanup", f"{qid}: message-id={text.split(':', 1)[1].strip()}")
                    if text == ".":
                        break
                self.say(f"250 2.0.0 Ok: queued as {qid}")
            elif verb == "QUIT":
                self.say("221 2.0.0 Bye")
                return
            else:
                self.say("250 2.0.0 Ok")

class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

Server(("0.0.0.0", 25), Session).serve_forever()
PY
chmod 755 /usr/local/sbin/fake-smtpd
setsid -f /usr/local/sbin/fake-smtpd </dev/null >/dev/null 2>&1
wait_until 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/25' || exit 1
