# Cheat, on a fresh lab (postfix on loopback only), on server: the firewall opened for SMTP and a small
# Python program on server's own address, port 25, that answers RCPT as postfix would (250 for
# student@example.com, 550 User unknown for other example.com users, 454 Relay access denied for other
# domains) but defers DATA with 451, so it never needs to write a message. Measured on main before
# 2026-12-08: listens-everywhere and accepts-domain passed on these replies alone.
firewall-cmd -q --add-service=smtp && firewall-cmd -q --permanent --add-service=smtp || exit 1
addr=$(ip -4 -o addr show scope global | awk '{print $4}' | cut -d/ -f1 | head -n1)
[ -n "$addr" ] || { echo "no address on server" >&2; exit 1; }
cat >/usr/local/sbin/smtp-deferrer <<'PY'
#!/usr/bin/python3
import socketserver, sys

class Handler(socketserver.StreamRequestHandler):
    def say(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.say("220 server.example.com ESMTP Postfix")
        while True:
            line = self.rfile.readline().decode("utf-8", "replace").strip()
            if not line:
                return
            verb = line.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.say("250-server.example.com\r\n250-PIPELINING\r\n250 8BITMIME")
            elif verb == "RCPT":
                rcpt = line[8:].strip().strip("<>").split(">")[0].lower()
                if rcpt == "student@example.com":
                    self.say("250 2.1.5 Ok")
                elif rcpt.endswith("example.com"):
                    self.say(f"550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in local recipient table")
                else:
                    self.say(f"454 4.7.1 <{rcpt}>: Relay access denied")
            elif verb == "DATA":
                self.say("451 4.3.0 Error: queue file write error")
            elif verb == "QUIT":
                self.say("221 2.0.0 Bye")
                return
            else:
                self.say("250 2.0.0 Ok")

socketserver.ThreadingTCPServer.allow_reuse_address = True
socketserver.ThreadingTCPServer((sys.argv[1], 25), Handler).serve_forever()
PY
chmod 755 /usr/local/sbin/smtp-deferrer
systemd-run --unit=smtp-deferrer --quiet /usr/local/sbin/smtp-deferrer "$addr" || exit 1
wait_until 5 bash -c "exec 3<>/dev/tcp/$addr/25 && head -c3 <&3 | grep -q 220" 2>/dev/null || { echo "the responder does not answer on $addr:25" >&2; exit 1; }
exit 0
