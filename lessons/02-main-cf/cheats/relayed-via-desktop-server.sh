# Cheat (the mail sent from the wrong host), part 2 on server: server listens on every interface, and
# its sendmail is replaced by one that hands each message to desktop over SMTP (sender root, no domain),
# so desktop's postfix completes the sender and relays the message back to server.
postconf -e 'inet_interfaces = all'
systemctl restart postfix
mv /usr/sbin/sendmail /usr/sbin/sendmail.real
cat >/usr/sbin/sendmail <<'WRAP'
#!/usr/bin/python3
import smtplib, sys
rcpts = [a for a in sys.argv[1:] if not a.startswith('-')]
data = sys.stdin.buffer.read()
if rcpts:
    with smtplib.SMTP('desktop.example.com', 25, 'server.example.com') as s:
        s.sendmail('root', rcpts, data)
WRAP
chmod 755 /usr/sbin/sendmail
