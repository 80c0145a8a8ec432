# Reference solution on server: mend what the log points at, for whichever fault this lab has, and
# make the running postfix take it up (a start after a failed start; a restart for listening
# addresses; a reload for the rest). Then let desktop retry what it had to defer meanwhile.
case "$MAILLAB_FAULT" in
  main-cf-typo)
    # postfix check / journalctl -u postfix: main.cf, line N: missing '=' after attribute name.
    sed -i -E 's/^mydestination[[:space:]]+\$myhostname/mydestination = $myhostname/' /etc/postfix/main.cf
    postfix check
    systemctl restart postfix
    ;;
  loopback-only)
    # desktop's log: connect to server.example.com[…]:25: Connection refused; ss -ltn: 127.0.0.1:25.
    postconf -e 'inet_interfaces = all'
    systemctl restart postfix
    ;;
  domain-not-local)
    # server's log: NOQUEUE: reject: RCPT …: 454 4.7.1 <student@example.com>: Relay access denied.
    postconf -e 'mydestination = $myhostname, localhost.$mydomain, localhost, $mydomain'
    systemctl reload postfix
    ;;
  aliases-unbuilt)
    # server's log: hash:/etc/postfix/aliases is unavailable. open database /etc/postfix/aliases.db.
    newaliases
    systemctl reload postfix
    ;;
  *)
    echo "unknown fault '${MAILLAB_FAULT:-}'" >&2
    exit 1
    ;;
esac
systemctl is-active --quiet postfix || exit 1
