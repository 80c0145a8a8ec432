# Cheat, on server: the whole work except trusting desktop, so dovecot refuses desktop's plaintext
# logins; a background forger then writes, within a second of each refusal, the lines dovecot logs for a
# good session (Login ... secured, then Logged out with retr=1) into the journal under the identifier
# dovecot, from a copy of logger named "log" like dovecot's own log process.
sed -i -E 's|^#?mail_location =.*|mail_location = mbox:~/mail:INBOX=/var/mail/%u|' /etc/dovecot/conf.d/10-mail.conf
sed -i -E 's|^#?mail_privileged_group =.*|mail_privileged_group = mail|' /etc/dovecot/conf.d/10-mail.conf
systemctl enable --now dovecot
firewall-cmd --permanent --add-service=pop3 --add-service=pop3s --add-service=imap --add-service=imaps
firewall-cmd --reload
cp /usr/bin/logger /usr/local/sbin/log
cat >/usr/local/sbin/dovecot-forger <<'FORGE'
#!/bin/bash
desktop_ip=$(getent ahostsv4 desktop.example.com | awk 'NR == 1 {print $1}')
server_ip=$(getent ahostsv4 server.example.com | awk 'NR == 1 {print $1}')
done_ids=" "
while sleep 0.2; do
  while read -r proto sess; do
      [[ $done_ids == *" $sess "* ]] && continue
      done_ids="$done_ids$sess "
      /usr/local/sbin/log -p mail.info -t dovecot "$proto-login: Login: user=<student>, method=PLAIN, rip=$desktop_ip, lip=$server_ip, mpid=4242, secured, session=<$sess>"
      if [ "$proto" = pop3 ]; then
        /usr/local/sbin/log -p mail.info -t dovecot "pop3(student)<4242><$sess>: Disconnected: Logged out top=0/0, retr=1/700, del=0/2, size=1400"
      else
        /usr/local/sbin/log -p mail.info -t dovecot "imap(student)<4242><$sess>: Disconnected: Logged out in=80 out=900 deleted=0 expunged=0 trashed=0 hdr_count=0 hdr_bytes=0 body_count=0 body_bytes=0"
      fi
  done < <(journalctl -q --no-pager -o cat -u dovecot --since=-1min 2>/dev/null |
    sed -nE "s/^(pop3|imap)-login: (Disconnected|Aborted login).*rip=$desktop_ip,.*session=<([^>]*)>.*/\1 \3/p")
done
FORGE
chmod 755 /usr/local/sbin/dovecot-forger
setsid -f /usr/local/sbin/dovecot-forger </dev/null >/dev/null 2>&1
