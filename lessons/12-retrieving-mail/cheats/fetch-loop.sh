# Cheat, after the reference solution's files, on desktop: fetchmail left as it is, but a program
# started beforehand does its job. Every 0.3 s it logs in to the server's POP3S as student (dovecot
# logs a login from desktop), retrieves and deletes every message, and hands each to desktop's postfix
# over SMTP on localhost, as fetchmail would (postfix's smtpd takes it, procmail delivers it). When
# Check runs the genuine fetchmail, there is nothing left for it to fetch.
cat >/usr/local/sbin/fetch-loop <<'PY'
import poplib, smtplib, ssl, time
ctx = ssl.create_default_context()
ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
while True:
    try:
        box = poplib.POP3_SSL("server.example.com", 995, context=ctx, timeout=5)
        box.user("student"); box.pass_("student")
        for n in range(1, len(box.list()[1]) + 1):
            data = b"\r\n".join(box.retr(n)[1]) + b"\r\n"
            with smtplib.SMTP("localhost", 25, timeout=5) as smtp:
                smtp.sendmail("fetch@example.com", ["student"], data)
            box.dele(n)
        box.quit()
    except Exception:
        pass
    time.sleep(0.3)
PY
systemd-run --quiet --unit=fetch-loop /usr/bin/python3 /usr/local/sbin/fetch-loop || exit 1
wait_until 5 systemctl -q is-active fetch-loop || exit 1
