# Lesson 09 setup on server (after lessons 03 and 06: the server receives for example.com behind
# firewalld, desktop relays through it). A colleague "tidied up" the server's postfix and broke it in
# one of the ways below: the engine picks the fault per lab (MAILLAB_FAULT), and the student is not told
# which. Each leaves postfix as an administrator would after the edit: restarted, so what the log shows
# from then on is the broken server's own account of what happens.
main=/etc/postfix/main.cf
case "$MAILLAB_FAULT" in
  main-cf-typo)
    # The '=' lost from the mydestination line: postconf, postfix check and the start all stop there.
    sed -i -E 's/^mydestination[[:space:]]*=[[:space:]]*/mydestination /' "$main"
    grep -q '^mydestination \$myhostname' "$main" || { echo "no mydestination line to break in $main" >&2; exit 1; }
    systemctl restart postfix >/dev/null 2>&1
    systemctl is-failed --quiet postfix || { echo "postfix still runs on server after the typo" >&2; exit 1; }
    ;;
  loopback-only)
    # Back at RHEL's default: postfix listens on the server's loopback address only.
    postconf -e 'inet_interfaces = loopback-only'
    systemctl restart postfix
    ;;
  domain-not-local)
    # RHEL's default mydestination, without the domain: mail for example.com is someone else's.
    postconf -e 'mydestination = $myhostname, localhost.$mydomain, localhost'
    systemctl restart postfix
    ;;
  aliases-unbuilt)
    # The aliases "moved" under /etc/postfix, and the table postfix reads (aliases.db) never built.
    cp -p /etc/aliases /etc/postfix/aliases
    rm -f /etc/postfix/aliases.db
    postconf -e 'alias_maps = hash:/etc/postfix/aliases' 'alias_database = hash:/etc/postfix/aliases'
    systemctl restart postfix
    ;;
  *)
    echo "lesson 09 setup: unknown fault '${MAILLAB_FAULT:-}' (MAILLAB_FAULT)" >&2
    exit 1
    ;;
esac
if [ "$MAILLAB_FAULT" != main-cf-typo ]; then
  systemctl is-active --quiet postfix || { echo "postfix did not start on server" >&2; exit 1; }
fi
exit 0
