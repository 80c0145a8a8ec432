# Null-client check, step 1 of 5, on desktop: effective settings, a local-delivery probe, and facts for
# the later steps (is postfix running, where it listens, what relayhost and myorigin say).
probe_rcpt="maillab-probe@[127.0.0.1]"   # a domain literal of a local interface: always "local"
probe_id="<$MAILLAB_NONCE.local@maillab.invalid>"

# Both the rsyslog file and the journal, so a stopped rsyslog does not hide postfix's log lines.
mail_log() {
  cat /var/log/maillog 2>/dev/null
  journalctl -q --no-pager -o cat SYSLOG_FACILITY=2 --since=-15min 2>/dev/null
}

state=$(systemctl is-active postfix 2>/dev/null)
fact desktop_postfix "${state:-unknown}"
fact inet_interfaces "$(postconf -h inet_interfaces 2>&1)"
fact relayhost "$(postconf -h relayhost 2>&1)"
fact myorigin "$(postconf -h myorigin 2>&1)"
fact myorigin_x "$(postconf -xh myorigin 2>&1)"
# Where port 25 is bound, e.g. "127.0.0.1:25" or "0.0.0.0:25".
fact listen25 "$(ss -Hltn 'sport = :25' 2>/dev/null | awk '{print $4}' | sort -u | paste -sd' ')"
banner=$(timeout 3 bash -c 'exec 3<>/dev/tcp/127.0.0.1/25 && IFS= read -r -t 2 line <&3 && echo "$line"' 2>/dev/null | tr -d '\r')
fact loopback_banner "$banner"

# --- no-local-domains -------------------------------------------------------------------------------
dest=$(postconf -h mydestination 2>&1)
if [ -z "${dest//[[:space:],]/}" ]; then
  pass no-local-domains "postconf -h mydestination is empty: desktop is the final destination for no domain."
else
  fail no-local-domains "postconf -h mydestination on desktop is '$dest', so desktop still delivers mail for those names itself." \
    "A null client is the final destination for no domain at all: look at mydestination (postconf -n shows what you set)."
fi

# --- local-delivery-disabled: the setting, and what postfix really does with a local address ---------
lt=$(postconf -h local_transport 2>&1)
lt_ok=1
[[ $lt == error:* && ${lt,,} == *"local delivery disabled"* ]] && lt_ok=0
outcome=""
if [ "$state" = active ]; then
  # Null sender: the bounce of this probe is discarded, so nothing is mailed back to anyone.
  printf 'Subject: maillab local-delivery probe %s\nMessage-ID: %s\n\nmaillab check probe\n' "$MAILLAB_NONCE" "$probe_id" |
    sendmail -i -f '' "$probe_rcpt"
  probe_status() {
    local qid
    qid=$(mail_log | grep -F "message-id=$probe_id" | head -n1 | sed -E 's/^(.*[: ])?([0-9A-Za-z]+): message-id=.*/\2/')
    [ -n "$qid" ] || return 1
    outcome=$(mail_log | grep -F "$qid: to=<$probe_rcpt>" | grep -o 'status=.*' | tail -n1)
    [ -n "$outcome" ]
  }
  wait_until 8 probe_status
fi
if [ "$state" != active ]; then
  fail local-delivery-disabled "local_transport = $lt, but postfix on desktop is not running ($state), so nothing was delivered or refused." \
    "Start postfix on desktop (and enable it): a null client still runs postfix to send mail."
elif [ $lt_ok -eq 0 ] && [[ $outcome == *"local delivery disabled"* ]]; then
  pass local-delivery-disabled "local_transport = $lt; a probe to $probe_rcpt ended with $outcome."
elif [ $lt_ok -eq 0 ]; then
  fail local-delivery-disabled "main.cf says local_transport = $lt, but a probe to $probe_rcpt ended with '${outcome:-no log line}'." \
    "The running postfix does not use the new local_transport yet: make postfix read main.cf again (reload or restart)."
else
  fail local-delivery-disabled "local_transport = $lt; a probe to $probe_rcpt ended with '${outcome:-no log line}'." \
    "On a null client anything addressed to desktop itself must fail with a clear error instead of landing in a mailbox on desktop. Which transport does local_transport name, and which transport only returns an error?"
fi
