# Cheat, on server: the whole work except trusting desktop, so dovecot refuses desktop's plaintext
# logins; a forger then writes, within a second of each refusal, the lines dovecot logs for a good
# session (Login … secured, then Logged out with retr=1). Unlike forged-log's, its lines carry
# journald's trusted fields of dovecot's own log process: it joins dovecot.service's cgroup (root on
# server may write that unit's cgroup.procs) and runs as a copy of python3 named `log`, so journald
# records _SYSTEMD_UNIT=dovecot.service and _COMM=log (measured 2026-12-08). systemd-run cannot do the
# same: it refuses a transient dovecot.service while the unit's file exists, and a dovecot@x unit or a
# process under its own name (python3) is not dovecot's.
sed -i -E 's|^#?mail_location =.*|mail_location = mbox:~/mail:INBOX=/var/mail/%u|' /etc/dovecot/conf.d/10-mail.conf
sed -i -E 's|^#?mail_privileged_group =.*|mail_privileged_group = mail|' /etc/dovecot/conf.d/10-mail.conf
systemctl enable --now dovecot || exit 1
firewall-cmd --permanent --add-service=pop3 --add-service=pop3s --add-service=imap --add-service=imaps
firewall-cmd --reload
cp /usr/bin/python3 /usr/local/sbin/log
cat >/usr/local/sbin/dovecot-forger.py <<'PY'
import re, socket, subprocess, syslog
desktop = socket.gethostbyname("desktop.example.com")
server = socket.gethostbyname("server.example.com")
syslog.openlog("dovecot", 0, syslog.LOG_MAIL)
seen = re.compile(r"^(pop3|imap)-login: (?:Disconnected|Aborted login).*rip=" + re.escape(desktop) + r",.*session=<([^>]*)>")
follow = subprocess.Popen(["journalctl", "-f", "-n", "0", "-o", "cat", "-u", "dovecot"], stdout=subprocess.PIPE, text=True)
done = set()
for line in follow.stdout:
    m = seen.match(line.strip())
    if not m or m.group(2) in done:
        continue
    proto, sess = m.group(1), m.group(2)
    done.add(sess)
    syslog.syslog(f"{proto}-login: Login: user=<student>, method=PLAIN, rip={desktop}, lip={server}, mpid=4242, secured, session=<{sess}>")
    if proto == "pop3":
        syslog.syslog(f"pop3(student)<4242><{sess}>: Disconnected: Logged out top=0/0, retr=1/700, del=0/2, size=1400")
    else:
        syslog.syslog(f"imap(student)<4242><{sess}>: Disconnected: Logged out in=80 out=900 deleted=0 expunged=0 trashed=0 hdr_count=0 hdr_bytes=0 body_count=0 body_bytes=0")
PY
cgroups=$(find /sys/fs/cgroup/systemd /sys/fs/cgroup/unified -type d -name dovecot.service 2>/dev/null)
[ -n "$cgroups" ] || { echo "no cgroup of dovecot.service found" >&2; exit 1; }
cat >/usr/local/sbin/dovecot-forger <<EOF2
#!/bin/bash
for cg in $(echo $cgroups); do echo \$\$ >"\$cg/cgroup.procs" || exit 1; done
echo \$\$ >/run/dovecot-forger.pid
exec /usr/local/sbin/log /usr/local/sbin/dovecot-forger.py
EOF2
chmod 755 /usr/local/sbin/dovecot-forger
setsid -f /usr/local/sbin/dovecot-forger </dev/null >/dev/null 2>&1
# The forger runs inside dovecot's unit, under the name of dovecot's log process.
wait_until 5 test -s /run/dovecot-forger.pid || exit 1
p=$(cat /run/dovecot-forger.pid)
wait_until 5 grep -qx log /proc/$p/comm || exit 1
grep -q 'dovecot\.service$' /proc/$p/cgroup || exit 1
exit 0
