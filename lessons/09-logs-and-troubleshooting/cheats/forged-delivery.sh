# Cheat, on a fresh lab (fault aliases-unbuilt), on server: the recipient check switched off so that
# smtpd takes the mail, and a /usr/bin/timeout that, whenever a check step runs on server, takes each
# of the check's messages out of the queue (where local delivery defers them: the aliases are still not
# built) and writes it into student's mailbox itself — with postfix's own Received: header, so queue ID
# and client address are real — then forges postfix/local "delivered to mailbox" lines with logger.
postconf -e 'local_recipient_maps ='
systemctl reload postfix
cp -p /usr/bin/timeout /usr/bin/timeout.real
cat >/usr/bin/timeout <<'WRAP'
#!/bin/bash
if [ -n "$MAILLAB_NONCE" ]; then
  sleep 1
  for f in $(grep -rlF "$MAILLAB_NONCE" /var/spool/postfix/{incoming,active,deferred} 2>/dev/null); do
    qid=$(basename "$f")
    {
      echo "From MAILER-DAEMON  $(LC_ALL=C date '+%a %b %e %T %Y')"
      echo 'Return-Path: <>'
      postcat -bh -q "$qid" 2>/dev/null | sed 's/^From />From /'
      echo
    } >>/var/spool/mail/student
    logger -p mail.info -t "postfix/local[4242]" "$qid: to=<student@example.com>, relay=local, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (delivered to mailbox)"
    logger -p mail.info -t "postfix/qmgr[4243]" "$qid: removed"
    postsuper -d "$qid" >/dev/null 2>&1
  done
fi
exec /usr/bin/timeout.real "$@"
WRAP
chmod 755 /usr/bin/timeout
