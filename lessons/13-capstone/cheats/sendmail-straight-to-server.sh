# Cheat, on desktop, after the reference solution on server: desktop's postfix started as installed
# (no null client), and a sendmail that hands every message straight to the server over SMTP,
# greeting as desktop with a sender at example.com, so that mail "from desktop" arrives around it.
systemctl enable --now postfix
mv /usr/sbin/sendmail /usr/sbin/sendmail.real
cat >/usr/sbin/sendmail <<'WRAP'
#!/usr/bin/python3
import smtplib, sys
rcpts = [a for a in sys.argv[1:] if not a.startswith('-') and '@' in a and '127.0.0.1' not in a]
data = sys.stdin.buffer.read()
if rcpts:
    with smtplib.SMTP('server.example.com', 25, 'desktop.example.com') as s:
        s.sendmail('root@example.com', rcpts, data)
WRAP
chmod 755 /usr/sbin/sendmail
