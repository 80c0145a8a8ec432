# Troubleshooting check, part 2, on the grader: judged from what the grader saw on the network
# (grader-talk.sh's facts: its two SMTP conversations with the server) and from what the engine copied
# (server's /etc/postfix, student's mailbox and server's journal; desktop's journal and /etc/postfix).
# Whatever the fault of this lab was, the whole path must work again:
#   - from-desktop: a nonce sent on desktop is relayed by desktop's postfix to the server and delivered
#     into student's mailbox by the server's postfix (its own log lines, under postfix.service);
#   - from-outside: the grader's nonce for student@example.com is accepted and delivered likewise;
#   - own-mail-only: from a stranger, the server takes mail for student@example.com, refuses it for a
#     user that does not exist, and relays for no one.
# The students' hosts' word (MAILLAB_CLAIM_*) only ever appears in messages; MAILLAB_FAULT is not used.
S=server
ip_server=$(ip_of server)
ip_desktop=$(ip_of desktop)
ip_grader=$(ip_of grader)
desktop_id="<$MAILLAB_NONCE.desktop@maillab.invalid>"
grader_id="<$MAILLAB_NONCE.smtp@maillab.invalid>"
said_server=${MAILLAB_CLAIM_server_postfix:-unknown}
said_desktop=${MAILLAB_CLAIM_desktop_postfix:-unknown}

connect_code=${MAILLAB_FACT_connect_code:-} connect_text=${MAILLAB_FACT_connect_text:-}
talk_error=${MAILLAB_FACT_talk_error:-}
rcpt_code=${MAILLAB_FACT_rcpt_code:-} rcpt_text=${MAILLAB_FACT_rcpt_text:-}
data_code=${MAILLAB_FACT_data_code:-} data_text=${MAILLAB_FACT_data_text:-}
unknown_code=${MAILLAB_FACT_unknown_code:-} unknown_text=${MAILLAB_FACT_unknown_text:-}
relay_code=${MAILLAB_FACT_relay_code:-} relay_text=${MAILLAB_FACT_relay_text:-}

# --- server's postfix configuration, as the grader's own postconf reads the copied /etc/postfix -----
conf=$(evidence $S /etc/postfix)
conf_fatal=""
if [ -f "$conf/main.cf" ]; then
  conf_fatal=$(/usr/sbin/postconf -c "$conf" -n 2>&1 >/dev/null | grep -m1 -E '(fatal|error): ' |
    sed -e "s#$conf#/etc/postfix#g" -e 's#^.*postconf: ##' | cut -c1-220)
fi
# A main.cf postconf cannot parse makes each postconf call fail after a second: ask only when it parses.
ii="" dest_x="" alias_maps="" lrm="" relay_restrictions="" mynetworks="" mynetworks_style=""
if [ -z "$conf_fatal" ]; then
  ii=$(pf $S inet_interfaces)
  dest_x=$(pfx $S mydestination)
  alias_maps=$(pf $S alias_maps)
  lrm=$(pf $S local_recipient_maps)
  relay_restrictions=$(pf $S smtpd_relay_restrictions)
  # mynetworks only as main.cf sets it: its computed default would describe the grader's interfaces.
  mynetworks=$(/usr/sbin/postconf -c "$conf" -nh mynetworks 2>/dev/null)
  mynetworks_style=$(/usr/sbin/postconf -c "$conf" -nh mynetworks_style 2>/dev/null)
fi
note=""
[ -z "$conf_fatal" ] && note=$(pf_note $S)

# --- server's postfix log (journald's trusted fields only) ------------------------------------------
# A drop-in that starts another program in postfix's unit makes its lines look like postfix's own
# (lessons/README.md, L2): then none of the unit's lines count, and the verdicts below say why first.
trust_units $S postfix
if distrust=$(unit_distrusted $S postfix); then
  for c in from-desktop from-outside own-mail-only; do
    fail $c "server's postfix.service does not run what the package's unit runs ($distrust), so no line it logged can be told from a program's in postfix's place." \
      "Troubleshoot postfix itself, not its unit: remove the drop-ins or unit files that add or change its Exec lines (systemctl cat postfix shows them; systemctl revert postfix removes them), then restart postfix."
  done
fi
plog=$(log_text $S postfix)
master_last=$(grep -E '^postfix/master: (daemon started|reload|terminating)' <<<"$plog" | tail -n1)
running=1
[[ $master_last == *"daemon started"* || $master_last == *"reload -- "* ]] && running=0
# The last fatal or error line since postfix last started or reloaded (none before a start counts).
srv_error=$(awk '/^postfix\/master: (daemon started|reload -- )/ {e = ""} /: (fatal|error|panic): / {e = $0} END {print e}' <<<"$plog" | cut -c1-200)
s_dlog=$(log_text $S postfix "$desktop_id")
s_glog=$(log_text $S postfix "$grader_id")

# --- desktop's postfix log for the message it was given --------------------------------------------
dlog=$(log_text desktop postfix "$desktop_id")
d_sent=$(grep -E "^postfix/smtp: [0-9A-Za-z]+: .*relay=[^ ]*\[$ip_server\]:[0-9]+, .*status=sent " <<<"$dlog" | tail -n1)
d_qid=$(grep -oE 'queued as [0-9A-Za-z]+' <<<"$d_sent" | tail -n1 | awk '{print $3}')
d_reason=$(grep -E 'status=(deferred|bounced)' <<<"$dlog" | tail -n1 | grep -oE 'status=.*' | cut -c1-240)

# --- student's mailbox on server --------------------------------------------------------------------
messages=$(mbox_messages --needle "$MAILLAB_NONCE" "$(evidence $S /var/spool/mail/student)")
# in_mailbox MESSAGE-ID SERVER-QID CLIENT-IP: that message, taken by server's postfix under that queue ID
# from that client address, is in student's mailbox.
in_mailbox() {
  [ -n "$2" ] || return 1
  awk -F'\x1f' -v id="$1" -v q="$2" -v ip="$3" '$3 == id && $6 == q && $7 == ip {f = 1} END {exit !f}' <<<"$messages"
}
nonce_in_mailbox() { awk -F'\x1f' -v id="$1" '$3 == id && $9 == "1" {f = 1} END {exit !f}' <<<"$messages"; }
# local_sent QID LOG: server's own local delivery line for QID into a mailbox, from the trusted log.
local_sent() { [ -n "$1" ] && grep -qE "^postfix/local: $1: to=<student@example\.com>.*status=sent " <<<"$2"; }

# --- why server's postfix is not running, when it is not ---------------------------------------------
outside=0
[ $running -ne 0 ] && outside=$(postfix_outside_unit $S)
if [ "$outside" -gt 0 ]; then
  down_seen="postfix on server runs outside systemd (started by hand with postfix start?), so its log lines cannot be told from forged ones"
  down_hint="Let systemd run postfix, as on any RHEL server: stop the hand-started one (postfix stop), then systemctl start postfix; from then on restart or reload it with systemctl, and systemctl status postfix shows it running."
elif [ -n "$conf_fatal" ]; then
  down_seen="postfix on server is not running (server reports '$said_server')"
  down_hint="Postfix on server does not start: systemctl status postfix, journalctl -u postfix and postfix check say why, and where. Mend what they name (mend a broken line rather than delete it: it may hold a setting the server needs), check with postfix check, then start postfix with systemctl."
elif [ ! -f "$conf/main.cf" ]; then
  down_seen="postfix on server is not running (server reports '$said_server'), and no /etc/postfix/main.cf was copied from server ($MAILLAB_COPY_server)"
  down_hint="Postfix needs its /etc/postfix/main.cf: put it back, check it with postfix check, then start postfix with systemctl."
else
  down_seen="postfix on server is not running (server reports '$said_server'), although its main.cf parses now${srv_error:+; its last error: $srv_error}"
  down_hint="main.cf is accepted now, but postfix on server has not been started since it failed: start it with systemctl (systemctl restart postfix), then make sure systemctl status postfix says active (running). If it fails again, journalctl -u postfix says why."
fi

# --- shared hints: what the server's reply, or its log, says about the cause -------------------------
# inet_interfaces: does it name an address other hosts reach, or loopback only?
external_value() {
  local v=${1,,} w
  for w in ${v//,/ }; do
    w=${w%.}
    case $w in all | "$ip_server" | server.example.com | mail.example.com | server) return 0 ;; esac
  done
  return 1
}
loopback_value() {
  local v=${1,,} w
  v=${v//,/ }
  [ -n "${v// /}" ] || return 1
  for w in $v; do
    case $w in loopback-only | localhost | 127.* | '[::1]' | ::1) ;; *) return 1 ;; esac
  done
}
# mydestination: does it make example.com local? (the names, or the lines of a file it names)
dest_names() {
  local v=${dest_x,,} w
  for w in ${v//,/ }; do
    if [[ $w == /* ]]; then
      sed -e 's/#.*//' "$(evidence $S "$w")" 2>/dev/null | tr 'A-Z,' 'a-z ' | tr -s ' \t' '\n\n'
    else
      printf '%s\n' "${w%.}"
    fi
  done
}
dest_has_domain=1
dest_names | grep -qxF example.com && dest_has_domain=0
# alias_maps: are the tables it names there (for hash:/lmdb:, the compiled .db/.lmdb file)?
aliases_built=0
for m in ${alias_maps//,/ }; do
  case $m in
    hash:/* | btree:/*) [ -f "$(evidence $S "${m#*:}").db" ] || aliases_built=1 ;;
    lmdb:/*) [ -f "$(evidence $S "${m#*:}").lmdb" ] || aliases_built=1 ;;
  esac
done

refused_hint() {
  if external_value "$ii"; then
    echo "main.cf lets postfix listen on the network (inet_interfaces = $ii), but the running master process still has its old sockets: the listening addresses are read only when postfix starts, so a reload is not enough — restart postfix."
  elif loopback_value "$ii"; then
    echo "Connection refused from another host, while postfix on server runs: it does not listen on the address other hosts reach. ss -ltn on server shows where port 25 listens, and postconf -n what postfix was told; the listening addresses change only with a restart."
  else
    echo "Connection refused from another host, while postfix on server runs: ss -ltn on server shows where port 25 listens; compare it with inet_interfaces, and restart postfix after changing it."
  fi
}
blocked_hint="The connection never reached postfix (no answer, or no route to host): something in front of it, firewalld on server, drops SMTP. firewall-cmd --list-services on server shows what it lets in."
# reply_hint CODE TEXT: why the server refused student@example.com at RCPT.
reply_hint() {
  local text=$2
  if [[ $text == *"Relay access denied"* ]] && [ $dest_has_domain -eq 0 ]; then
    echo "main.cf already names example.com as a local domain (mydestination), but the running postfix has not read it: reload postfix (systemctl reload postfix)."
  elif [[ $text == *"Relay access denied"* ]]; then
    echo "'Relay access denied' for the server's own domain: the server does not count example.com among the domains it is the final destination for, so it takes the message for one it should pass on, which strangers may not ask. Server's log has the NOQUEUE: reject line; postconf mydestination shows which domains are local."
  elif [[ $text == *"lookup failure"* ]] && [ $aliases_built -eq 0 ]; then
    echo "The table postfix could not read is there now, but the running processes that failed to open it have not been told: reload postfix (systemctl reload postfix)."
  elif [[ $text == *"lookup failure"* ]]; then
    echo "'Temporary lookup failure' means smtpd could not read a table it needs to check the recipient: server's log names it in the warning just before the NOQUEUE: reject line (… is unavailable. open database …). Build that table (postalias, or newaliases for the alias database) or point postfix at the right one, then reload postfix."
  elif [[ $text == *"User unknown"* ]]; then
    echo "The server does not know the user student (local_recipient_maps = ${lrm:-empty}): its log has the reject line; it should look users up in the system's accounts and the aliases."
  else
    echo "Read server's /var/log/maillog for this RCPT (the NOQUEUE: reject line): it says which check refused it."
  fi
}
lrm_note=""
[ -z "${lrm// /}" ] && [ -z "$conf_fatal" ] && lrm_note=" An empty local_recipient_maps only moved the failure from smtpd to local delivery."
# after_hint QID LOG: the server took the message under QID; why it is not in student's mailbox.
after_hint() {
  local qid=$1 log=$2 line
  line=$(grep -E "^postfix/[a-z]+: $qid: to=<" <<<"$log" | tail -n1)
  if [[ $line == postfix/smtp:* ]]; then
    echo "The server passed the message on towards example.com's mail server instead of delivering it itself: it does not count example.com as a local domain (look at mydestination), and it let the sender relay. Trusting more clients (mynetworks) is not the fix: make example.com local, and trust no strangers."
  elif [[ $line == *"alias database unavailable"* || $line == *"alias"*"unavailable"* || $line == *"lookup"*"fail"* ]]; then
    echo "Local delivery could not read the alias table postfix is told to use: server's log names it (warning: … is unavailable. open database …). Build it (postalias, or newaliases for alias_database) or point alias_maps at one that exists, then reload postfix.${lrm_note}"
  elif [[ $line == *"status=sent"* ]]; then
    echo "Server's postfix delivered it, but not into /var/spool/mail/student: follow queue ID $qid in server's /var/log/maillog (relay= and the text after status=sent say where it went)."
  else
    echo "Follow queue ID $qid in server's /var/log/maillog (grep $qid /var/log/maillog): the line with status= says where the message went or why it is still waiting."
  fi
}
# outcome QID LOG: server's last word on the message, to quote (relay=…, status=…).
outcome() {
  local line
  line=$(grep -E "^postfix/[a-z]+: $1: .*status=" <<<"$2" | tail -n1)
  [ -n "$line" ] || return 0
  printf '%s, %s' "$(grep -oE 'relay=[^,]*' <<<"$line" | head -n1)" "$(grep -oE 'status=.*' <<<"$line" | cut -c1-160)"
}

forged_hint="Only postfix's own delivery counts: a message written into the mailbox by another program, or a delivery line written with logger, is not postfix delivering it. Let postfix, under systemd, deliver the mail, and read in server's log why it could not."

# --- from-outside: the grader's own message ---------------------------------------------------------
g_qid=$(grep -oE 'queued as [0-9A-Za-z]+' <<<"$data_text" | awk '{print $3}')
if [ $running -ne 0 ]; then
  fail from-outside "$down_seen." "$down_hint"
elif [ "$connect_code" = refused ]; then
  fail from-outside "grader's connection to server.example.com:25 was refused$note." "$(refused_hint)"
elif [ "$connect_code" != 220 ]; then
  fail from-outside "grader could not talk SMTP with server.example.com:25 (${connect_code:-no reply} ${connect_text:-$talk_error})." "$blocked_hint"
elif [ -z "$rcpt_code" ]; then
  fail from-outside "server.example.com:25 greeted, but the conversation broke before RCPT: ${talk_error:-no reply}." \
    "Read server's /var/log/maillog for the grader's connection to see why postfix dropped it."
elif [[ $rcpt_code != 2* ]]; then
  seen="RCPT TO:<student@example.com> from the grader got $rcpt_code $rcpt_text"
  seen="$seen$note"
  fail from-outside "$seen." "$(reply_hint "$rcpt_code" "$rcpt_text")"
elif [[ $data_code != 2* ]] || [ -z "$g_qid" ]; then
  fail from-outside "server accepted the recipient but not the message: ${data_code:-no reply} ${data_text:-$talk_error}." \
    "Read server's /var/log/maillog for the grader's connection to see why the message itself was refused."
elif in_mailbox "$grader_id" "$g_qid" "$ip_grader" && local_sent "$g_qid" "$s_glog"; then
  pass from-outside "server took the check's message from the grader (queued as $g_qid) and its postfix delivered it into /var/spool/mail/student: $(outcome "$g_qid" "$s_glog")."
elif in_mailbox "$grader_id" "$g_qid" "$ip_grader"; then
  fail from-outside "The check's message (queued as $g_qid) is in student's mailbox, but server's postfix log has no local delivery line for it." \
    "$forged_hint"
elif nonce_in_mailbox "$grader_id"; then
  fail from-outside "A message with the check's Message-ID is in student's mailbox, but not the one server took from the grader (queued as $g_qid)." \
    "Only the message the grader hands to postfix counts: let postfix's local delivery write it into student's mailbox."
else
  out=$(outcome "$g_qid" "$s_glog")
  fail from-outside "server took the check's message from the grader (queued as $g_qid), but it is not in /var/spool/mail/student; server's postfix logged: ${out:-no delivery line}." \
    "$(after_hint "$g_qid" "$s_glog")"
fi

# --- from-desktop: the message sent on desktop --------------------------------------------------------
if [ -z "$dlog" ]; then
  fail from-desktop "desktop's postfix did not take the check's message (desktop reports postfix as '$said_desktop')." \
    "Desktop was working when the lab began: its postfix must run to send anything (systemctl status postfix on desktop, then systemctl start postfix). The fault is on the server."
elif [ $running -ne 0 ]; then
  fail from-desktop "${d_reason:+desktop's postfix could not hand the check's message over: $d_reason; }$down_seen." "$down_hint"
elif [ -n "$d_qid" ] && in_mailbox "$desktop_id" "$d_qid" "$ip_desktop" && local_sent "$d_qid" "$s_dlog"; then
  pass from-desktop "desktop's postfix relayed the check's message to the server (queued as $d_qid), and the server's postfix delivered it into /var/spool/mail/student: $(outcome "$d_qid" "$s_dlog")."
elif [ -n "$d_qid" ] && in_mailbox "$desktop_id" "$d_qid" "$ip_desktop"; then
  fail from-desktop "The check's message from desktop (queued as $d_qid on server) is in student's mailbox, but server's postfix log has no local delivery line for it." \
    "$forged_hint"
elif [ -n "$d_qid" ]; then
  out=$(outcome "$d_qid" "$s_dlog")
  fail from-desktop "desktop's postfix relayed the check's message to the server (queued as $d_qid), but it is not in /var/spool/mail/student; server's postfix logged: ${out:-no delivery line}." \
    "$(after_hint "$d_qid" "$s_dlog")"
elif [[ $d_reason == *"Connection refused"* ]]; then
  fail from-desktop "desktop's postfix could not hand the check's message to the server: $d_reason$note." "$(refused_hint)"
elif [[ $d_reason == *"said: "* ]]; then
  reply=${d_reason#*said: }
  fail from-desktop "desktop's postfix could not hand the check's message to the server: $d_reason." "$(reply_hint "${reply%% *}" "$reply")"
elif [[ $d_reason == *"No route to host"* || $d_reason == *"timed out"* ]]; then
  fail from-desktop "desktop's postfix could not reach the server: $d_reason." "$blocked_hint"
elif [ -n "$d_reason" ]; then
  fail from-desktop "desktop's postfix could not hand the check's message to the server: $d_reason." \
    "Read desktop's /var/log/maillog for the message (its status=deferred line): the reason says which host desktop tried and what went wrong. Desktop was set up right; the fault is on the server."
elif d_local=$(grep -E '^postfix/(local|virtual|pipe): .*status=sent' <<<"$dlog" | tail -n1) && [ -n "$d_local" ]; then
  fail from-desktop "desktop's postfix delivered the check's message on desktop itself (${d_local#*: }) instead of handing it to the server." \
    "Desktop is a null client: it delivers nothing itself and relays every message to the server. Leave it as it was set up (mydestination empty, relayhost = [server.example.com]) and mend the server instead."
elif d_other=$(grep -E '^postfix/smtp: .*status=sent' <<<"$dlog" | tail -n1) && [ -n "$d_other" ] && [ -z "$d_sent" ]; then
  fail from-desktop "desktop's postfix handed the check's message to a host that is not the server: $(grep -oE 'relay=[^,]*' <<<"$d_other")." \
    "Desktop relays through the server, as it was set up: relayhost = [server.example.com]. Put that back, and mend the server instead."
elif [ -n "$d_sent" ]; then
  fail from-desktop "desktop's postfix says it sent the check's message, but the server's reply named no queue ID: $d_sent." \
    "Follow the message in server's /var/log/maillog to see what took it."
else
  fail from-desktop "desktop's postfix took the check's message but logged no outcome within 15 seconds." \
    "Follow the message in desktop's /var/log/maillog (mailq shows it if it waits) to see where it stopped."
fi

# --- own-mail-only: a stranger's mail for student@example.com yes; for an unknown user or a foreign
# domain, no --------------------------------------------------------------------------------------------
# smtpd_answers: the grader's three answers were given by server's postfix, by its own trusted log lines
# (journald's _COMM and _SYSTEMD_UNIT, not the text): smtpd logged taking the grader's message under
# the queue ID the grader was told (client= the grader's address; cleanup tied it to this run's
# Message-ID), and after that line, in the second conversation, refused the unknown user and the
# foreign domain for the grader's address with the codes the grader got. A program answering on port
# 25 in postfix's place gives the same replies but writes none of these lines. Prints what it found, or
# what is missing; status 0 when all three are there.
smtpd_answers() {
  local client reject_u reject_r after
  if [ -z "$g_qid" ]; then
    echo "the grader's message got no queue ID (${data_code:-no reply} ${data_text:-$talk_error})"
    return 1
  fi
  client=$(grep -E "^postfix/smtpd: $g_qid: client=[^ ]*\[$ip_grader\]" <<<"$s_glog" | head -n1)
  if [ -z "$client" ]; then
    echo "no smtpd line took queue ID $g_qid from the grader ($ip_grader)"
    return 1
  fi
  # The lines after smtpd's client= line for this run's message: the second conversation came after it.
  after=$(awk -v q="postfix/smtpd: $g_qid: client=" 'found {print} index($0, q) == 1 {found = 1}' <<<"$plog")
  reject_u=$(grep -E "^postfix/smtpd: NOQUEUE: reject: RCPT from [^ ]*\[$ip_grader\]: $unknown_code .*to=<maillab-nobody@example\.com>" <<<"$after" | head -n1)
  reject_r=$(grep -E "^postfix/smtpd: NOQUEUE: reject: RCPT from [^ ]*\[$ip_grader\]: $relay_code .*to=<outsider@example\.net>" <<<"$after" | head -n1)
  if [ -z "$reject_u" ] || [ -z "$reject_r" ]; then
    echo "smtpd took $g_qid from the grader, but logged no $([ -z "$reject_u" ] && echo "refusal of maillab-nobody@example.com")$([ -z "$reject_u$reject_r" ] && echo " nor ")$([ -z "$reject_r" ] && echo "refusal of outsider@example.net") after it"
    return 1
  fi
  echo "$g_qid: client=…[$ip_grader]; NOQUEUE: reject: RCPT … $unknown_code …maillab-nobody…; … $relay_code …outsider…"
}
if [ -n "$mynetworks" ]; then
  trusts="mynetworks = $mynetworks"
else
  trusts="mynetworks is not set, so mynetworks_style = ${mynetworks_style:-host} decides whom postfix trusts"
fi
if [ $running -ne 0 ]; then
  fail own-mail-only "$down_seen." "$down_hint"
elif [ "$connect_code" = refused ]; then
  fail own-mail-only "grader's connection to server.example.com:25 was refused, so the server takes no mail from other hosts at all." "$(refused_hint)"
elif [ "$connect_code" != 220 ] || [ -z "$rcpt_code" ]; then
  fail own-mail-only "grader could not hold an SMTP conversation with server.example.com:25 (${connect_code:-no reply} ${connect_text:-$talk_error})." "$blocked_hint"
elif [[ $relay_code == 2* ]] && [[ ${relay_restrictions,,} != *unauth_destination* ]]; then
  fail own-mail-only "RCPT TO:<outsider@example.net> from the grader got $relay_code $relay_text: server is an open relay; smtpd_relay_restrictions = ${relay_restrictions:-(empty)}$note." \
    "smtpd_relay_restrictions decides who may send mail on to other domains; it must end by refusing everyone else (defer_unauth_destination, RHEL's default, or reject_unauth_destination)."
elif [[ $relay_code == 2* ]] && [ -z "$mynetworks" ] && [ "${mynetworks_style:-host}" != host ]; then
  fail own-mail-only "RCPT TO:<outsider@example.net> from the grader ($ip_grader) got $relay_code $relay_text: server relays for it; $trusts$note." \
    "mynetworks_style = $mynetworks_style trusts every host on server's network to relay, the grader among them: go back to RHEL 9's default (host), which trusts only the server itself."
elif [[ $relay_code == 2* ]]; then
  fail own-mail-only "RCPT TO:<outsider@example.net> from the grader ($ip_grader) got $relay_code $relay_text: server is an open relay; $trusts$note." \
    "Any host may now use the server to send mail to any domain: mynetworks lists the clients trusted to relay, and the grader is a stranger. 'Relay access denied' for the server's own domain is never mended by trusting more clients: trust only the server itself (RHEL's default) and make its own domain local."
elif [[ $rcpt_code != 2* ]]; then
  fail own-mail-only "The server refused a stranger's outsider@example.net ($relay_code), but also mail for its own user: RCPT TO:<student@example.com> got $rcpt_code $rcpt_text." \
    "A mail server must take mail for its own users from anyone, and only for them; this one does not take it yet: see the criterion about mail from another host, and server's NOQUEUE: reject line for the grader's RCPT."
elif [[ $unknown_code == 2* ]]; then
  fail own-mail-only "RCPT TO:<maillab-nobody@example.com>, a user that does not exist, got $unknown_code $unknown_text; local_recipient_maps = ${lrm:-(empty)}$note." \
    "The server takes mail for users that do not exist and can only bounce it later (to forged senders, often): local_recipient_maps tells smtpd which users exist, so that it refuses the others at RCPT. Emptying it silences a lookup failure instead of mending it; put RHEL's default back."
elif [[ $unknown_code != 5* ]]; then
  fail own-mail-only "RCPT TO:<maillab-nobody@example.com>, a user that does not exist, got ${unknown_code:-no reply} ${unknown_text:-}." \
    "An unknown user should get a permanent 550 User unknown; read server's NOQUEUE: reject line for it in /var/log/maillog."
elif [[ $relay_code == [45]* ]] && ! smtpd_said=$(smtpd_answers); then
  fail own-mail-only "From the grader, RCPT TO:<student@example.com> got $rcpt_code, <maillab-nobody@example.com> $unknown_code and <outsider@example.net> $relay_code, but server's postfix did not log these answers as its own: $smtpd_said." \
    "The answers on server's port 25 must be postfix's own: its smtpd, under systemd, logs each connection it takes and each recipient it refuses. Let postfix itself listen where other hosts reach the server (ss -ltnp shows which program holds port 25), and read its log for the grader's connection."
elif [[ $relay_code == [45]* ]]; then
  relay_verdict own-mail-only $S "From the grader, a stranger: RCPT TO:<student@example.com> got $rcpt_code, RCPT TO:<maillab-nobody@example.com> got $unknown_code and RCPT TO:<outsider@example.net> got $relay_code $relay_text; server's smtpd logged each ($smtpd_said)."
else
  fail own-mail-only "RCPT TO:<outsider@example.net> from the grader got no answer: ${relay_text:-nothing}." \
    "Press Check again; if this persists, read server's /var/log/maillog for the grader's connections."
fi
exit 0
