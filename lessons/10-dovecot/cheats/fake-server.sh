# Cheat, on a fresh lab, on server: dovecot's settings written but dovecot never started; instead a small
# Python impostor serves POP3 and IMAP on 110, 143, 995 and 993 from /var/mail/student, greets like
# dovecot, refuses plaintext passwords from every host but desktop with dovecot's own words, opens INBOX
# read-write, and writes dovecot-like Login lines into the journal with logger. The firewall is opened.
sed -i -E 's|^#?mail_location =.*|mail_location = mbox:~/mail:INBOX=/var/mail/%u|' /etc/dovecot/conf.d/10-mail.conf
sed -i -E 's|^#?mail_privileged_group =.*|mail_privileged_group = mail|' /etc/dovecot/conf.d/10-mail.conf
desktop_ip=$(getent ahostsv4 desktop.example.com | awk 'NR == 1 {print $1}')
sed -i -E "s|^#?login_trusted_networks =.*|login_trusted_networks = $desktop_ip/32|" /etc/dovecot/dovecot.conf
firewall-cmd --permanent --add-service=pop3 --add-service=pop3s --add-service=imap --add-service=imaps
firewall-cmd --reload
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=server.example.com \
  -keyout /root/fake-dovecot.key -out /root/fake-dovecot.crt >/dev/null 2>&1 || exit 1
cat >/usr/local/sbin/fake-dovecot <<'FAKE'
#!/usr/bin/python3
import mailbox, random, shlex, socket, socketserver, ssl, string, subprocess, threading

DESKTOP = socket.gethostbyname("desktop.example.com")
REFUSED = "Plaintext authentication disallowed on non-secure (SSL/TLS) connections."
CTX = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
CTX.load_cert_chain("/root/fake-dovecot.crt", "/root/fake-dovecot.key")


def messages():
    try:
        return [m.as_bytes() for m in mailbox.mbox("/var/mail/student", create=False)]
    except Exception:
        return []


def log(proto, rip, tls):
    sess = "".join(random.choice(string.ascii_letters) for _ in range(16))
    subprocess.run(["logger", "-p", "mail.info", "-t", "dovecot",
                    f"{proto}-login: Login: user=<student>, method=PLAIN, rip={rip}, lip=0.0.0.0, mpid=777, "
                    f"{'TLS' if tls else 'secured'}, session=<{sess}>"])


class Handler(socketserver.StreamRequestHandler):
    tls = False

    def setup(self):
        if self.tls:
            self.request = CTX.wrap_socket(self.request, server_side=True)
        super().setup()

    def send(self, text):
        self.wfile.write(text.encode() + b"\r\n")

    def allowed(self):
        return self.tls or self.client_address[0] in (DESKTOP, "127.0.0.1")


class POP3(Handler):
    def handle(self):
        self.send("+OK Dovecot ready.")
        msgs = messages()
        for raw in self.rfile:
            cmd, *args = raw.decode(errors="replace").strip().split(" ", 1) or [""]
            cmd = cmd.upper()
            if cmd == "USER":
                self.send("+OK" if self.allowed() else f"-ERR [AUTH] {REFUSED}")
            elif cmd == "PASS":
                log("pop3", self.client_address[0], self.tls)
                self.send("+OK Logged in.")
            elif cmd in ("STAT", "LIST"):
                self.send(f"+OK {len(msgs)} messages:" if cmd == "LIST" else f"+OK {len(msgs)} 0")
                if cmd == "LIST":
                    for i, m in enumerate(msgs, 1):
                        self.send(f"{i} {len(m)}")
                    self.send(".")
            elif cmd == "RETR":
                m = msgs[int(args[0]) - 1]
                self.send("+OK")
                for line in m.decode(errors="replace").splitlines():
                    self.send(("." + line) if line.startswith(".") else line)
                self.send(".")
            elif cmd == "QUIT":
                self.send("+OK Logging out.")
                return
            else:
                self.send("+OK")


class IMAP(Handler):
    def handle(self):
        self.send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] Dovecot ready.")
        msgs = messages()
        for raw in self.rfile:
            words = shlex.split(raw.decode(errors="replace"))
            if len(words) < 2:
                continue
            tag, cmd, args = words[0], words[1].upper(), words[2:]
            if cmd == "CAPABILITY":
                self.send("* CAPABILITY IMAP4rev1 AUTH=PLAIN")
                self.send(f"{tag} OK Capability completed.")
            elif cmd == "LOGIN":
                if self.allowed():
                    log("imap", self.client_address[0], self.tls)
                    self.send(f"{tag} OK Logged in")
                else:
                    self.send(f"{tag} NO [PRIVACYREQUIRED] {REFUSED}")
            elif cmd == "SELECT":
                self.send(f"* {len(msgs)} EXISTS")
                self.send(f"{tag} OK [READ-WRITE] Select completed.")
            elif cmd == "SEARCH":
                hits = [str(i) for i, m in enumerate(msgs, 1) if args[-1].encode() in m]
                self.send("* SEARCH " + " ".join(hits))
                self.send(f"{tag} OK Search completed.")
            elif cmd == "LOGOUT":
                self.send("* BYE Logging out")
                self.send(f"{tag} OK Logout completed.")
                return
            else:
                self.send(f"{tag} OK")


class POP3S(POP3):
    tls = True


class IMAPS(IMAP):
    tls = True


socketserver.ThreadingTCPServer.allow_reuse_address = True
socketserver.ThreadingTCPServer.daemon_threads = True
for port, handler in ((110, POP3), (995, POP3S), (143, IMAP), (993, IMAPS)):
    server = socketserver.ThreadingTCPServer(("0.0.0.0", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
threading.Event().wait()
FAKE
chmod 755 /usr/local/sbin/fake-dovecot
setsid -f /usr/local/sbin/fake-dovecot </dev/null >/var/log/fake-dovecot.log 2>&1
wait_until 5 bash -c 'ss -ltn | grep -q ":993 "' || { cat /var/log/fake-dovecot.log >&2; exit 1; }
