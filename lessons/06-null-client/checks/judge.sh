# Null-client check, judged on the grader from what the engine copied (desktop's /etc/postfix, queue
# and journal; student's mailbox on server) and from the grader's own connection to desktop:25.
# Desktop's word (MAILLAB_CLAIM_*) only ever appears in messages.
D=desktop
probe_id="<$MAILLAB_NONCE.local@maillab.invalid>"
relay_id="<$MAILLAB_NONCE.relay@maillab.invalid>"
said=${MAILLAB_CLAIM_desktop_postfix:-unknown}

# --- evidence ------------------------------------------------------------------------------------
ii=$(pf $D inet_interfaces)
dest=$(pf $D mydestination)
lt=$(pf $D local_transport)
myorigin=$(pf $D myorigin)
myorigin_x=$(pfx $D myorigin)
relayhost=$(pf $D relayhost)
note=$(pf_note $D)
# Desktop's postfix lines (journald's trusted fields only) for the two messages desktop-send.sh submitted.
probe_log=$(log_text $D postfix "$probe_id")
relay_log=$(log_text $D postfix "$relay_id")
# The nonce message in student's mailbox on server, if it arrived: its Return-Path and the client
# address server's postfix wrote into Received:.
IFS=$'\x1f' read -r _ _ _ m_return_path _ _ m_client_ip _ m_has < <(
  mbox_messages --needle "$MAILLAB_NONCE" "$(evidence server /var/spool/mail/student)" | awk -F'\x1f' '$9 == "1"' | head -n1
)
arrived=1
[ "$m_has" = 1 ] && [ "$m_client_ip" = "$(ip_of desktop)" ] && arrived=0

# Did desktop's postfix take the check's messages at all? Only its own log lines can say so.
running=1
[ -n "$probe_log$relay_log" ] && running=0
fatal=""
[ $running -ne 0 ] && fatal=$(postfix_fatal $D)
down_seen="desktop's postfix did not take the check's messages (desktop reports postfix as '$said')${fatal:+; its log: $fatal}"
down_hint="A null client still runs postfix to send mail: start it and enable it on desktop (systemctl enable --now postfix). If it will not start, systemctl status postfix and journalctl -u postfix say why."
if [ $running -ne 0 ] && [ "$(postfix_outside_unit $D)" -gt 0 ]; then
  down_seen="desktop's postfix runs outside systemd (started by hand with postfix start?), so its log lines cannot be told from forged ones"
  down_hint="Let systemd run postfix, as on any RHEL host: postfix stop, then systemctl enable --now postfix, and restart it with systemctl restart postfix from then on."
fi

# --- loopback-only: the grader's own connection, and what postfix was told ------------------------
probe=$(tcp_probe desktop.example.com 25)
case $(field 1 <<<"$probe") in
  connected) outside="grader connected to desktop.example.com:25 ($(field 2 <<<"$probe"))"; open=0 ;;
  refused) outside="grader's connection to desktop.example.com:25 was refused"; open=1 ;;
  timeout) outside="grader's connection to desktop.example.com:25 timed out"; open=1 ;;
  *) outside="grader could not connect to desktop.example.com:25 ($(field 2 <<<"$probe"))"; open=1 ;;
esac
# Where postfix listens, as master.cf and main.cf say together: a service named host:port binds that
# host whatever inet_interfaces says (`127.0.0.1:smtp` with inet_interfaces = all is a null client).
listens=$(pf_listens $D)
smtp_listens=$(awk -F'\x1f' '$3 == "25" || tolower($3) == "smtp"' <<<"$listens")
wide="" wide_from=""
while IFS=$'\x1f' read -r l_service l_addr _ l_how; do
  [ -n "$l_service" ] && ! loopback_address "$l_addr" && { wide+="${wide:+, }$l_service on $l_addr"; wide_from+=" $l_how"; }
done <<<"$listens"
listen_seen="postfix on desktop is told to listen with inet_interfaces = $ii"
grep -q 'master.cf$' <<<"$listens" && listen_seen+=" and master.cf services $(awk -F'\x1f' '$4 == "master.cf" {printf "%s%s", s, $1; s=", "}' <<<"$listens")"
# Did postfix's master say, after it last started, that inet_interfaces changed under it (a reload
# of a new value)? Then the services that take their addresses from it still listen where they did.
restart_needed() {
  grep -q 'inet_interfaces$' <<<"$listens" || return 1
  log_text $D postfix | grep -E '^postfix/master: (daemon started|warning: to change inet_interfaces)' |
    awk '/daemon started/ {w = 0} /to change inet_interfaces/ {w = 1} END {exit !w}'
}
if [ $running -ne 0 ]; then
  fail loopback-only "$outside; $down_seen." "$down_hint"
elif [ $open -eq 0 ] && [ -z "$wide" ] && grep -q 'inet_interfaces$' <<<"$smtp_listens"; then
  fail loopback-only "$outside, although $listen_seen$note." \
    "main.cf is right but the running master process still has its old sockets: inet_interfaces is only read when postfix starts, so a reload is not enough — restart postfix."
elif [ $open -eq 0 ] && [ -z "$wide" ] && [ -n "$smtp_listens" ]; then
  fail loopback-only "$outside, although $listen_seen$note." \
    "master.cf is right but the running master process has not read it yet: make postfix read its configuration again (reload or restart)."
elif [ -z "$smtp_listens" ]; then
  fail loopback-only "$outside, but desktop's master.cf has no smtp inet service at all." \
    "Do not switch SMTP off: local programs submit mail on 127.0.0.1:25. Keep the smtp service in master.cf and limit where it listens instead."
elif [[ -n $wide && $wide_from == *master.cf* ]]; then
  fail loopback-only "$outside; $listen_seen$note: $wide is not a loopback address." \
    "A service line in master.cf that names its own address listens there whatever inet_interfaces says: a send-only host listens on the loopback interface only, so every inet service in master.cf must too."
elif [ $open -eq 0 ]; then
  fail loopback-only "$outside ($listen_seen)$note." \
    "A send-only host must not accept connections from other hosts: make postfix listen on the loopback interface only (inet_interfaces), then restart postfix (a reload does not re-open sockets)."
elif [ -n "$wide" ]; then
  fail loopback-only "$outside, but $listen_seen$note: something else (a firewall?) hides the port today." \
    "Closing the port from outside is not the same as not listening: make postfix itself listen on the loopback interface only (inet_interfaces), then restart it."
elif restart_needed; then
  # Port 25 looks closed, yet the running master still listens where it did before: something else
  # (a firewall) hides it, and the next one to open the port finds postfix on every interface.
  fail loopback-only "$outside, but desktop's postfix logged after its last start: warning: to change inet_interfaces, stop and start Postfix ($listen_seen$note)." \
    "main.cf is right but the running master process still has its old sockets: inet_interfaces is only read when postfix starts, so a reload is not enough — restart postfix."
else
  pass loopback-only "$outside; $listen_seen$note: every address is a loopback one."
fi

# --- no-local-domains ------------------------------------------------------------------------------
if [ -z "${dest//[[:space:],]/}" ]; then
  pass no-local-domains "mydestination on desktop is empty: desktop is the final destination for no domain$note."
else
  fail no-local-domains "mydestination on desktop is '$dest'$note, so desktop still delivers mail for those names itself." \
    "A null client is the final destination for no domain at all: look at mydestination (postconf -n shows what you set)."
fi

# --- local-delivery-disabled: the setting, and what desktop's postfix did with a local address ------
lt_ok=1
[[ ${lt,,} == error:* && ${lt,,} == *"local delivery disabled"* ]] && lt_ok=0
outcome=$(grep -oE 'status=.*' <<<"$probe_log" | tail -n1 | cut -c1-160)
probe_to="a probe to maillab-probe@[127.0.0.1] ended with '${outcome:-no log line}'"
if [ $running -ne 0 ]; then
  fail local-delivery-disabled "local_transport = $lt; $down_seen." "$down_hint"
elif [ $lt_ok -eq 0 ] && [[ $outcome == *"local delivery disabled"* ]]; then
  pass local-delivery-disabled "local_transport = $lt; $probe_to."
elif [ $lt_ok -eq 0 ]; then
  fail local-delivery-disabled "main.cf says local_transport = $lt, but $probe_to." \
    "The running postfix does not use the new local_transport yet: make postfix read main.cf again (reload or restart)."
else
  fail local-delivery-disabled "local_transport = ${lt:-empty}$note; $probe_to." \
    "On a null client anything addressed to desktop itself must fail with a clear error instead of landing in a mailbox on desktop. Which transport does local_transport name, and which transport only returns an error?"
fi

# --- masquerade: the setting, and the envelope sender the message really carried -------------------
sender=$m_return_path
seen="the check's message arrived with Return-Path <$sender>"
if [ -z "$sender" ]; then
  # qmgr's line: the sender after rewriting (pickup logs it as submitted, e.g. from=<root>).
  sender=$(grep -E '^postfix/qmgr: ' <<<"$relay_log" | grep -oE 'from=<[^>]*>' | head -n1 | sed -E 's/from=<(.*)>/\1/')
  seen="desktop's postfix logged the check's message from=<$sender>"
fi
if [ $running -ne 0 ]; then
  fail masquerade "myorigin = $myorigin; $down_seen." "$down_hint"
elif [ "${myorigin_x,,}" = example.com ] && [[ ${sender,,} == *@example.com ]]; then
  pass masquerade "myorigin = $myorigin (expands to $myorigin_x); $seen."
elif [ "${myorigin_x,,}" = example.com ]; then
  fail masquerade "myorigin expands to $myorigin_x, but $seen." \
    "main.cf is right but the running postfix has not read it: reload or restart postfix on desktop."
else
  fail masquerade "myorigin = $myorigin (expands to '$myorigin_x')$note, and $seen." \
    "Mail from a null client should look as if it came from the domain, not from the workstation: myorigin should name the domain (refer to \$mydomain rather than typing it)."
fi

# --- relay: the setting, desktop's own smtp log line, and arrival from desktop's address ----------
rh=${relayhost,,} rh_host="" rh_port="" bracketed=1
re_bracketed='^\[([^]]+)\](:([a-z0-9]+))?$' re_bare='^([^:[:space:]]+)(:([a-z0-9]+))?$'
if [[ $rh =~ $re_bracketed ]]; then
  bracketed=0 rh_host=${BASH_REMATCH[1]} rh_port=${BASH_REMATCH[3]}
elif [[ $rh =~ $re_bare ]]; then
  rh_host=${BASH_REMATCH[1]} rh_port=${BASH_REMATCH[3]}
fi
rh_host=${rh_host%.}
problem="" problem_hint=""
if [ -z "$rh" ]; then
  problem="relayhost is empty: desktop looks up the recipient domain's mail server by itself"
  problem_hint="A null client hands every message to one relay host, the server, rather than finding each domain's mail server itself: set relayhost (the server's name in square brackets), and read desktop's /var/log/maillog for what happens without it."
elif [[ $rh_host != server.example.com && $rh_host != mail.example.com && $rh_host != "$(ip_of server)" ]]; then
  problem="relayhost = $relayhost names a host that is not the lab's mail server"
  problem_hint="relayhost must name the server (server.example.com, or its alias mail.example.com): check the spelling of the host name in relayhost."
elif [[ -n $rh_port && $rh_port != 25 && $rh_port != smtp ]]; then
  problem="relayhost = $relayhost relays to port $rh_port, where the server does not take mail from desktop"
  problem_hint="The server receives mail on the SMTP port, 25: drop the port from relayhost, or make it :25."
elif [ $bracketed -ne 0 ]; then
  problem="relayhost = $relayhost has no square brackets"
  problem_hint="Write the server's name in square brackets in relayhost: without them postfix looks up MX records for the name instead of connecting to that host."
fi
sent=$(grep -E "status=sent" <<<"$relay_log" | grep -F "[$(ip_of server)]" | tail -n1)
stuck=$(grep -E "status=(deferred|bounced)" <<<"$relay_log" | tail -n1 | grep -oE '(relay=.*|status=.*)' | head -n1 | cut -c1-200)
if [ $arrived -eq 0 ]; then
  where="the check's message ($MAILLAB_NONCE) arrived in student's mailbox on server, received from desktop's address"
elif [ -n "$stuck" ]; then
  where="desktop's postfix could not relay the check's message: $stuck"
else
  where="the check's message ($MAILLAB_NONCE) is not in student's mailbox on server"
fi
if [ $running -ne 0 ]; then
  fail relay "relayhost = ${relayhost:-empty}; $down_seen." "$down_hint"
elif [ -n "$problem" ]; then
  fail relay "$problem; $where." "$problem_hint"
elif [ $arrived -eq 0 ] && [ -n "$sent" ]; then
  pass relay "relayhost = $relayhost; desktop's postfix relayed it to the server (${sent##*status=}) and $where."
elif [ $arrived -eq 0 ]; then
  fail relay "$where, but desktop's postfix log has no line saying it relayed it to the server." \
    "The message must leave desktop through desktop's own postfix (sendmail hands it to postfix, postfix relays it): use the real postfix tools, and follow the message in desktop's log."
elif [ -n "$stuck" ]; then
  fail relay "relayhost = $relayhost, but $where." \
    "Read desktop's /var/log/maillog for this message: it names why the server could not be reached or refused it."
else
  claimed=""
  [ -n "$sent" ] && claimed=", although desktop's postfix says it was sent"
  fail relay "relayhost = $relayhost; $where$claimed." \
    "Follow the check's message in /var/log/maillog on desktop and on server (search for its queue ID) to see where it stopped."
fi

# --- queue-empty: desktop's queue files, as the engine copied them ---------------------------------
queue=$(evidence $D /var/spool/postfix)
waiting=$(find "$queue"/{incoming,active,deferred,hold,maildrop} -type f 2>/dev/null)
count=$(grep -c . <<<"$waiting")
mine=$(grep -lF "$MAILLAB_NONCE" $waiting 2>/dev/null | head -n1)
if [ $running -ne 0 ]; then
  fail queue-empty "$down_seen." "$down_hint"
elif [ "$count" -eq 0 ]; then
  pass queue-empty "desktop's queue is empty after the check's send."
elif [ -n "$mine" ]; then
  fail queue-empty "desktop's queue holds $count message(s), the check's own among them (${stuck:-still waiting})." \
    "Mail desktop cannot relay waits in its queue (deferred). Fix the relay first; then postqueue -f makes postfix retry what is waiting."
else
  fail queue-empty "desktop's queue still holds $count message(s) from earlier attempts." \
    "The relay works now, but older messages wait in desktop's queue until their next retry: postqueue -f retries them now; postsuper -d QUEUE_ID deletes one you do not need."
fi
