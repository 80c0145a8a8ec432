# Lesson 08 setup on desktop (after lesson 06's setup and solution: desktop is a null client relaying
# through [server.example.com]). Someone pointed the relay host at mailhub.example.com, a name that was
# never put into DNS; then jerry mailed his quarterly report to student. The report cannot be handed on
# and waits in desktop's deferred queue. The student finds it, finds why, fixes that and flushes.
# A restart, not a reload, so that no postfix process still holds the old relayhost when jerry sends.
postconf -e 'relayhost = [mailhub.example.com]'
systemctl restart postfix
systemctl is-active --quiet postfix || { echo "postfix did not start on desktop" >&2; exit 1; }
printf '%s\n' \
  'From: jerry@example.com' \
  'To: student@example.com' \
  'Subject: Quarterly report' \
  'Message-ID: <quarterly-report@desktop.example.com>' \
  '' \
  'Hi,' \
  '' \
  'the quarterly figures are in: sales up 4 %, costs flat.' \
  'More at the meeting on Monday.' \
  '' \
  'Jerry' | runuser -u jerry -- /usr/sbin/sendmail -i student@example.com
deferred() {
  local text qid
  text=$(journalctl -q --no-pager -o cat -u postfix 2>/dev/null)
  qid=$(grep -F 'message-id=<quarterly-report@desktop.example.com>' <<<"$text" | head -n1 | cut -d: -f1)
  [ -n "$qid" ] && grep -qE "^$qid: to=<student@example.com>, .*status=deferred" <<<"$text"
}
wait_until 30 deferred || { echo "the quarterly report was not deferred on desktop" >&2; exit 1; }
