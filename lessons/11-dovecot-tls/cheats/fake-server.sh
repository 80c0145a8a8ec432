# Cheat, on a fresh lab, on server: a proper certificate and key made and named in 10-ssl.conf (key
# 0600), the firewall opened, but dovecot left with ssl = no; instead a small Python impostor serves
# POP3S on 995 and IMAPS on 993 with that certificate, from /var/mail/student, and writes dovecot-like
# TLS lines (Login ... TLS, Disconnected ... TLS) into the journal with logger under the name dovecot.
openssl req -x509 -newkey rsa:2048 -nodes -days 365 \
  -subj "/CN=server.example.com" \
  -addext "subjectAltName=DNS:server.example.com,DNS:mail.example.com" \
  -keyout /etc/pki/tls/private/server.example.com.key \
  -out /etc/pki/tls/certs/server.example.com.crt 2>/dev/null || exit 1
sed -i -E -e 's|^#?ssl_cert = .*|ssl_cert = </etc/pki/tls/certs/server.example.com.crt|' \
  -e 's|^#?ssl_key = .*|ssl_key = </etc/pki/tls/private/server.example.com.key|' /etc/dovecot/conf.d/10-ssl.conf
firewall-cmd --permanent --add-service=pop3s --add-service=imaps || exit 1
firewall-cmd --reload || exit 1
cat >/usr/local/sbin/fake-dovecot <<'FAKE'
#!/usr/bin/python3
import mailbox, random, shlex, socketserver, ssl, string, subprocess, threading

CTX = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
CTX.load_cert_chain("/etc/pki/tls/certs/server.example.com.crt", "/etc/pki/tls/private/server.example.com.key")


def messages():
    try:
        return [m.as_bytes() for m in mailbox.mbox("/var/mail/student", create=False)]
    except Exception:
        return []


def log(text):
    subprocess.run(["logger", "-p", "mail.info", "-t", "dovecot", text])


class Handler(socketserver.StreamRequestHandler):
    proto = ""

    def setup(self):
        self.sess = "".join(random.choice(string.ascii_letters) for _ in range(16))
        self.rip = self.client_address[0]
        self.request = CTX.wrap_socket(self.request, server_side=True)
        super().setup()

    def finish(self):
        log(f"{self.proto}-login: Disconnected: Connection closed (no auth attempts in 0 secs): user=<>, "
            f"rip={self.rip}, lip=0.0.0.0, TLS: Connection closed, session=<{self.sess}>")
        super().finish()

    def login(self):
        log(f"{self.proto}-login: Login: user=<student>, method=PLAIN, rip={self.rip}, lip=0.0.0.0, mpid=777, "
            f"TLS, session=<{self.sess}>")

    def send(self, text):
        self.wfile.write(text.encode() + b"\r\n")


class POP3S(Handler):
    proto = "pop3"

    def handle(self):
        self.send("+OK Dovecot ready.")
        msgs = messages()
        for raw in self.rfile:
            cmd, *args = raw.decode(errors="replace").strip().split(" ", 1) or [""]
            cmd = cmd.upper()
            if cmd == "PASS":
                self.login()
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


class IMAPS(Handler):
    proto = "imap"

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
                self.login()
                self.send(f"{tag} OK Logged in")
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


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass


for port, handler in ((995, POP3S), (993, IMAPS)):
    server = Server(("0.0.0.0", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
threading.Event().wait()
FAKE
chmod 755 /usr/local/sbin/fake-dovecot
setsid -f /usr/local/sbin/fake-dovecot </dev/null >/var/log/fake-dovecot.log 2>&1
wait_until 5 bash -c 'ss -ltn | grep -q ":993 "' || { cat /var/log/fake-dovecot.log >&2; exit 1; }
