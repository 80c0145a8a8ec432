# Cheat, on a fresh lab, on desktop: a sendmail that hands every message straight to the server over
# SMTP, so `mail` "sends from desktop" while desktop's postfix never carries anything.
mv /usr/sbin/sendmail /usr/sbin/sendmail.real
cat >/usr/sbin/sendmail <<'WRAP'
#!/usr/bin/python3
import smtplib, sys
rcpts = [a for a in sys.argv[1:] if not a.startswith('-') and '@' in a]
data = sys.stdin.buffer.read()
if rcpts:
    with smtplib.SMTP('server.example.com', 25, 'desktop.example.com') as s:
        s.sendmail('root@desktop.example.com', rcpts, data)
WRAP
chmod 755 /usr/sbin/sendmail
echo "My first message through postfix." | mail -s "Hello from desktop" student@server.example.com
