# Exam check, part 5, on the grader: every criterion, judged from what the grader itself saw on the
# network (grader-talk.sh's SMTP conversations, grader-fetch.sh's POP3S and IMAPS sessions, and its own
# probes here: port 25 of desktop, the certificates served on 993 and 995) and from what the engine
# copied from the hosts: server's mailboxes, /etc/postfix, /etc/aliases(.db), /etc/dovecot, /etc/pki,
# firewalld's saved configuration and journal, desktop's /etc/postfix and journal, and which unit links
# exist. Configuration is read by the grader's own postconf, postalias, postmap and doveconf; log lines
# count only when the daemon itself wrote them (journald's trusted fields) in this run. What a student
# host says (MAILLAB_CLAIM_*) only ever appears in messages.
S=server
SN=server.example.com
D=desktop
FOREIGN=someone@elsewhere.test
JUNK="$MAILLAB_NONCE@junk.example.net"
t0=${MAILLAB_FACT_t0:-0}
ip_server=$(ip_of server)
ip_desktop=$(ip_of desktop)
ip_grader=$(ip_of grader)
check_id="<$MAILLAB_NONCE.check@maillab.invalid>"
relay_id="<$MAILLAB_NONCE.relay@maillab.invalid>"
desktop_id="<$MAILLAB_NONCE.desktop@maillab.invalid>"
probe_id="<$MAILLAB_NONCE.local@maillab.invalid>"
US=$'\x1f'
work=$(mktemp -d)
# Each copied journal and mailbox is read once; the helpers below pick lines out of those reads.
# msg_lines TEXT MESSAGE-ID: the lines (ident: message) of the queue IDs whose cleanup line carries
# MESSAGE-ID, as log_text HOST postfix MESSAGE-ID would give them.
msg_lines() {
  local qid
  for qid in $(grep -F ": message-id=$2" <<<"$1" | sed -nE 's/^[^:]+: ([0-9A-Za-z]+): message-id=.*/\1/p' | sort -u); do
    grep -E "^[^:]+: $qid: " <<<"$1"
  done
}
as_text() { awk -F"$US" '{print $1": "$2}'; }
F() { local v="MAILLAB_FACT_$1"; printf '%s' "${!v:-}"; }
# A library error text: b'-ERR …' → -ERR …
unbytes() { sed -E "s/^b'(.*)'$/\1/; s/^b\"(.*)\"$/\1/" <<<"$1"; }
lc() { tr 'A-Z' 'a-z' <<<"$1" | tr -s ', \t' '  '; }
words_of() { local v=${1//,/ }; tr -s ' \t' '\n\n' <<<"$v" | grep -v '^$'; }

# =====================================================================================================
# Server's postfix, as the grader's postconf reads the copied /etc/postfix
# =====================================================================================================
conf=$(evidence $S /etc/postfix)
# pf_many HOST FLAGS PARAM...: like pf (postconf -h, or -xh), for several parameters in one run of the
# grader's postconf, one value per line; its warnings are those pf_note reports from pf's own run.
pf_many() {
  local host=$1 flags=$2 dir
  shift 2
  dir=$(evidence "$host" /etc/postfix)
  [ -f "$dir/main.cf" ] || return 0
  local -a override=()
  /usr/sbin/postconf -c "$dir" -n myhostname 2>/dev/null | grep -q . || override=(-o "myhostname=$host.example.com")
  /usr/sbin/postconf -c "$dir" "${override[@]}" "$flags" "$@" 2>/dev/null
}
ii=$(pf $S inet_interfaces)
{ read -r dest; read -r alias_maps; read -r sasl_enable; read -r sasl_type; read -r tls_auth_only
  read -r tls_level; read -r relay_r; read -r rcpt_r; read -r parent_style; read -r lrm; } < <(
  pf_many $S -h mydestination alias_maps smtpd_sasl_auth_enable smtpd_sasl_type smtpd_tls_auth_only \
    smtpd_tls_security_level smtpd_relay_restrictions smtpd_recipient_restrictions \
    parent_domain_matches_subdomains local_recipient_maps)
RESTRICTION_LISTS=(smtpd_client_restrictions smtpd_helo_restrictions smtpd_sender_restrictions smtpd_recipient_restrictions smtpd_relay_restrictions)
{ read -r ii_x; read -r dest_x; for l in "${RESTRICTION_LISTS[@]}"; do read -r "x_$l"; done; } < <(
  pf_many $S -xh inet_interfaces mydestination "${RESTRICTION_LISTS[@]}")
smtpd_inet=$(pf_service $S smtp/inet)
# mynetworks only as main.cf sets it: its computed default would describe the grader's interfaces.
mynetworks=$(/usr/sbin/postconf -c "$conf" -nh mynetworks 2>/dev/null)
mynetworks_style=$(/usr/sbin/postconf -c "$conf" -nh mynetworks_style 2>/dev/null)
note=$(pf_note $S)

# mydestination's names (or the lines of a file it names), one per line
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
local_domains=" $(dest_names | grep -v '^$' | paste -sd' ') "
is_local() { [[ $local_domains == *" $1 "* ]]; }
dest_seen="mydestination = $dest"
[ "$dest_x" != "$dest" ] && dest_seen="$dest_seen (expands to $dest_x)"
external_value() {
  local v=${1,,} w
  for w in ${v//,/ }; do
    w=${w%.}
    case $w in all | "$ip_server" | server.example.com | mail.example.com | server) return 0 ;; esac
  done
  return 1
}

# --- server's postfix log: its own lines (journald's trusted fields) ----------------------------------
plog=$(daemon_log $S postfix)
ptext=$(as_text <<<"$plog")
run=$(awk -F"$US" -v t0="$t0" '$3 + 0 >= t0 + 0 {print $1": "$2}' <<<"$plog")
master_last=$(awk -F"$US" '$1 == "postfix/master" {print $2}' <<<"$plog" | grep -E '^(daemon started|reload|terminating)' | tail -n1)
reload_warned=$(awk -F"$US" '$1 == "postfix/master" {print $2}' <<<"$plog" | grep -E '^warning: to change inet_interfaces' | tail -n1)
running=1
[[ $master_last == "daemon started"* || $master_last == "reload "* ]] && running=0
fatal=$(grep -E ': (fatal|error|panic): ' <<<"$ptext" | tail -n1 | cut -c1-200)
outside=0
[ $running -ne 0 ] && outside=$(postfix_outside_unit $S)
unavailable=$(grep -E '^postfix/[a-z]+: warning: [a-z]+:[^ ]+ is unavailable' <<<"$run" | tail -n1 | sed -E 's/^[^:]*: warning: //' | cut -c1-200)
unavailable_table=$(sed -nE 's/^([a-z]+:[^ ]+) is unavailable.*/\1/p' <<<"$unavailable")
if [[ $unavailable_table == *aliases* ]]; then
  unavailable_hint="postfix cannot open $unavailable_table, so it answers with a temporary 451 'Server configuration error': build it with newaliases, then reload postfix."
else
  unavailable_hint="postfix cannot open a lookup table it was told to use (${unavailable_table:-its log names which}), so it answers every RCPT with a temporary 451 'Server configuration error': postfix reads only the indexed file that postmap builds from the text file (postmap ${unavailable_table#*:} after every change), then reload postfix."
fi

# --- can the grader talk SMTP to the server? -------------------------------------------------------
p25=$(F p25) p25_text=$(F p25_text)
case $p25 in
  connected) reach=open seen25="grader connected to $SN:25 ($p25_text)" ;;
  refused) reach=refused seen25="grader's connection to $SN:25 was refused: nothing listens there on server's address" ;;
  timeout) reach=blocked seen25="grader's connection to $SN:25 timed out (a firewall drops it)" ;;
  error)
    if [[ $p25_text == *"No route to host"* ]]; then
      reach=blocked seen25="grader's connection to $SN:25 failed: $p25_text (server's firewall rejects it)"
    else
      reach=unknown seen25="grader's connection to $SN:25 failed: $p25_text"
    fi
    ;;
  *) reach=unknown seen25="the grader did not report its connection to $SN:25" ;;
esac
down_what="postfix on server is not running${fatal:+ (its log: $fatal)}"
down_hint="Start postfix on server and enable it at boot (systemctl enable --now postfix); if it will not start, systemctl status postfix and journalctl -u postfix say why."
if [ $running -ne 0 ] && [ "${outside:-0}" -gt 0 ]; then
  down_what="postfix on server runs outside systemd (started by hand with postfix start?), so its log lines cannot be told from forged ones"
  down_hint="Let systemd run postfix, as on any RHEL host: postfix stop, then systemctl enable --now postfix."
fi
smtp_ok=1
if [ "$reach" = open ] && [[ $p25_text == 220* ]]; then
  smtp_ok=0
elif [ "$reach" = open ]; then
  noconv_seen="$seen25, but that is no SMTP greeting"
  noconv_hint="Port 25 on server must be served by postfix: stop whatever else listens there and start postfix (systemctl enable --now postfix)."
elif [ "$reach" = blocked ]; then
  causes="firewalld on server rejects port 25 (allow the smtp service, now and with --permanent)"
  [ $running -ne 0 ] && causes="$causes; postfix is not running (systemctl enable --now postfix)"
  external_value "$ii_x" || causes="$causes; postfix listens on the loopback interface only (inet_interfaces, then restart postfix)"
  noconv_seen="$seen25; inet_interfaces = $ii$note"
  noconv_hint="No other host reaches postfix on server yet: $causes."
elif [ "$reach" = refused ] && [ $running -ne 0 ]; then
  noconv_seen="$seen25; $down_what"
  noconv_hint=$down_hint
elif [ "$reach" = refused ] && [ -z "$smtpd_inet" ]; then
  noconv_seen="$seen25, and server's master.cf has no smtp inet service"
  noconv_hint="The SMTP server (smtpd) is started from the smtp line of master.cf: put it back (postfix's original master.cf has it), then restart postfix."
elif [ "$reach" = refused ] && external_value "$ii_x"; then
  noconv_seen="$seen25, although inet_interfaces = $ii in server's main.cf$note${reload_warned:+; postfix logged: $reload_warned}"
  noconv_hint="main.cf is right but the running master process still has its old sockets: inet_interfaces is only read when postfix starts, so a reload is not enough: restart postfix."
elif [ "$reach" = refused ]; then
  noconv_seen="$seen25; inet_interfaces = $ii$note"
  noconv_hint="postfix on server listens on the loopback interface only, RHEL's default: make it listen on every interface (inet_interfaces), then restart postfix (a reload does not open new sockets)."
else
  noconv_seen=$seen25
  noconv_hint="Press Check again; if this persists, make sure postfix runs on server and port 25 is reachable from other hosts."
fi

# rcpt_refused CODE TEXT ADDRESS: sets why_seen and why_hint for a local recipient postfix refused.
rcpt_refused() {
  local code=$1 text=$2 addr=$3 domain=${3##*@}
  why_seen="RCPT TO:<$addr> from the grader got $code $text"
  if [[ $code == 4* && ($text == *"Server configuration error"* || -n $unavailable) ]]; then
    why_seen="$why_seen; postfix logged: ${unavailable:-a table it could not read}"
    why_hint=$unavailable_hint
  elif [[ $text == *"Relay access denied"* ]] && is_local "$domain"; then
    why_seen="$why_seen, although $dest_seen$note"
    why_hint="main.cf already names $domain as local, but the running postfix has not read it yet: reload or restart postfix."
  elif [[ $text == *"Relay access denied"* && $domain == example.com ]]; then
    why_seen="$why_seen: server treats example.com as someone else's domain; $dest_seen$note"
    why_hint="The server is the final destination only for the names in mydestination; RHEL's default lists the host's own names but not the domain: add the domain (refer to \$mydomain), then reload postfix."
  elif [[ $text == *"Relay access denied"* ]]; then
    why_seen="$why_seen: server does not count $domain as one of its own names; $dest_seen$note"
    why_hint="$domain is this server too (mail.example.com is its other name): mydestination must list every name the server receives mail for, the domain and both host names. Add the missing one, then reload postfix."
  elif [[ $text == *"User unknown"* ]]; then
    why_seen="$why_seen; local_recipient_maps = ${lrm:-(empty)}"
    why_hint="$domain is local, but postfix does not know the user: local_recipient_maps should list the system's users and the aliases (RHEL's default: proxy:unix:passwd.byname \$alias_maps)."
  elif [[ $text == *"Sender address rejected"* ]]; then
    why_hint="A sender restriction refuses the grader's message (its sender is the null sender <>, as on every bounce): the access table should refuse junk.example.net only."
  elif [[ $text == *"Client host rejected"* ]]; then
    why_hint="A client restriction refuses the grader, an ordinary host of the lab network: the exam refuses mail by its sender's domain, not by client."
  else
    why_hint="Read server's /var/log/maillog for this RCPT (the NOQUEUE: reject line with the grader's address) to see which restriction refused it."
  fi
}

# The grader's message to student and sales, in the copied mailboxes: "qid<US>client-ip" of the copy
# carrying this run's Message-ID in USER's mailbox ("" when it is not there).
boxes=$(mbox_messages --needle "$MAILLAB_NONCE" "$(evidence $S /var/spool/mail/student)" \
  "$(evidence $S /var/spool/mail/jerry)" "$(evidence $S /var/spool/mail/kelly)")
in_mbox() {
  awk -F"$US" -v path="$(evidence $S "/var/spool/mail/$1")" -v id="$2" \
    '$1 == path && $3 == id && $9 == "1" {print $6 "\x1f" $7}' <<<"$boxes" | tail -n1
}
local_code=$(F local_rcpt_student_example_com_code)
local_text=$(F local_rcpt_student_example_com_text)
local_data_code=$(F local_data_code)
local_data_text=$(F local_data_text)
local_error=$(F local_error_text)
qid=$(grep -oE 'queued as [0-9A-Za-z]+' <<<"$local_data_text" | awk '{print $3}')
check_log=$(msg_lines "$ptext" "$check_id")

# =====================================================================================================
# receives: example.com, server.example.com and mail.example.com, and the message arrives
# =====================================================================================================
srv_code=$(F names_rcpt_student_server_example_com_code)
srv_text=$(F names_rcpt_student_server_example_com_text)
mail_code=$(F names_rcpt_student_mail_example_com_code)
mail_text=$(F names_rcpt_student_mail_example_com_text)
IFS=$US read -r s_qid s_ip < <(in_mbox student "$check_id")
delivered=1
[ -n "$qid" ] && [ "$s_qid" = "$qid" ] && [ "$s_ip" = "$ip_grader" ] && delivered=0
if [ $smtp_ok -ne 0 ]; then
  fail receives "$noconv_seen." "$noconv_hint"
elif [ -z "$local_code" ]; then
  fail receives "The SMTP conversation with $SN broke off before RCPT TO: ${local_error:-no reply}." \
    "Read server's /var/log/maillog for the grader's connection; postfix must take mail from other hosts."
elif [[ $local_code != 2* ]]; then
  rcpt_refused "$local_code" "$local_text" student@example.com
  fail receives "$why_seen." "$why_hint"
elif [[ $srv_code != 2* ]]; then
  rcpt_refused "${srv_code:-no reply}" "$srv_text$(F names_error_text)" student@server.example.com
  fail receives "$why_seen." "$why_hint"
elif [[ $mail_code != 2* ]]; then
  rcpt_refused "${mail_code:-no reply}" "$mail_text$(F names_error_text)" student@mail.example.com
  fail receives "$why_seen." "$why_hint"
elif [[ $local_data_code != 2* ]] || [ -z "$qid" ]; then
  fail receives "server accepted the recipients but not the message: ${local_data_code:-no reply} ${local_data_text:-$local_error}." \
    "Read server's /var/log/maillog for the grader's connection to see why the message itself was refused."
elif [ $delivered -eq 0 ] && ! { grep -qE "^postfix/smtpd: $qid: client=[^ ]*\[$ip_grader\]" <<<"$check_log" &&
  grep -qE "^postfix/local: $qid: to=<student@.*status=sent " <<<"$check_log"; }; then
  # The message in the mailbox names the queue ID the grader was given, but server's postfix (its own
  # trusted lines) never took it from the grader or never delivered it: whatever answered on port 25
  # and wrote the mailbox was not postfix.
  fail receives "The grader's message (queued as $qid) is in student's mailbox, but server's postfix did not log both taking it from the grader and delivering it." \
    "Only postfix counts: its smtpd, run by systemd, must take the mail on port 25 (ss -ltnp shows which program listens there) and its local delivery must write the mailbox."
elif [ $delivered -eq 0 ]; then
  pass receives "RCPT TO student@example.com, student@server.example.com and student@mail.example.com got 250 from the grader; its message (queued as $qid) is in /var/spool/mail/student; $dest_seen."
elif [ -n "$s_qid" ]; then
  fail receives "A message with this run's Message-ID is in student's mailbox, but not the one server took from the grader (queued as $qid): it names queue ID '$s_qid' and client '${s_ip:-none}'." \
    "Only the message the grader hands to postfix counts: let postfix's local delivery write it into student's mailbox."
else
  outcome=$(grep -E "^postfix/local: $qid: to=<student@" <<<"$check_log" | grep -oE 'status=.*' | tail -n1 | cut -c1-200)
  fail receives "server took the grader's message (queued as $qid), but it is not in /var/spool/mail/student; postfix logged: ${outcome:-no delivery line}." \
    "Follow queue ID $qid in server's /var/log/maillog: the line with status= says where the message went or why it could not be delivered."
fi

# =====================================================================================================
# aliases: sales@example.com reaches jerry and kelly
# =====================================================================================================
sales_code=$(F local_rcpt_sales_example_com_code)
sales_text=$(F local_rcpt_sales_example_com_text)
passwd=$(evidence $S /etc/passwd)
is_user() { awk -F: -v u="$1" '$1 == u {f = 1} END {exit !f}' "$passwd" 2>/dev/null; }
# canon VALUE: the users an alias value names, sorted, comma-separated (user@a-local-domain as user).
canon() {
  local v=${1,,} w
  local -a ws
  read -ra ws <<<"${v//,/ }"
  for w in "${ws[@]}"; do
    w=${w#\\}
    [[ $w == *@* ]] && is_local "${w##*@}" && w=${w%@*}
    printf '%s\n' "$w"
  done | sort -u | paste -sd,
}
afile=$(evidence $S /etc/aliases)
adb=$(evidence $S /etc/aliases.db)
file_sales="" db_sales="" file_warn=""
if [ -f "$afile" ]; then
  cp "$afile" "$work/aliases"
  postalias "$work/aliases" 2>"$work/postalias.warn"
  file_warn=$(sed -E -e 's#^(/usr/sbin/)?postalias: (warning: )?##' -e "s#$work/aliases(\.db)?#/etc/aliases#g" \
    "$work/postalias.warn" | sort -u | head -n 2 | paste -sd';' | cut -c1-240)
  file_sales=$(postalias -q sales "hash:$work/aliases" 2>/dev/null)
fi
[ -f "$adb" ] && db_sales=$(postalias -q sales "hash:$afile" 2>/dev/null)
# delivery USER: "status<US>detail" of postfix's local delivery of sales@example.com to USER.
delivery() {
  local line to orig re='^postfix/local: [0-9A-Za-z]+: to=<([^>]*)>, orig_to=<([^>]*)>, .* status=([a-z]+) \((.*)\)$'
  while IFS= read -r line; do
    [[ $line =~ $re ]] || continue
    to=${BASH_REMATCH[1],,} orig=${BASH_REMATCH[2],,}
    [ "$orig" = sales@example.com ] && [ "${to%@*}" = "$1" ] || continue
    printf '%s\x1f%s\n' "${BASH_REMATCH[3]}" "${BASH_REMATCH[4]}"
  done < <(grep -E "^postfix/local: ${qid:-none}: " <<<"$check_log")
}
# sales_to STATUS: the users sales@example.com was delivered to (or bounced for) with STATUS.
sales_to() {
  local line re='^postfix/local: [0-9A-Za-z]+: to=<([^>]*)>, orig_to=<([^>]*)>, .* status=([a-z]+) '
  while IFS= read -r line; do
    [[ $line =~ $re ]] && [ "${BASH_REMATCH[2],,}" = sales@example.com ] && [ "${BASH_REMATCH[3]}" = "$1" ] &&
      printf '%s\n' "${BASH_REMATCH[1],,}"
  done < <(grep -E "^postfix/local: ${qid:-none}: " <<<"$check_log") | sed 's/@.*//' | sort -u | paste -sd, | sed 's/,/, /g'
}
sales_seen="/etc/aliases (the grader's postalias) says sales → ${file_sales:-(no entry)}, aliases.db says sales → ${db_sales:-(no entry)}${file_warn:+ (postalias warns: $file_warn)}"
if [ $smtp_ok -ne 0 ]; then
  fail aliases "$noconv_seen." "$noconv_hint"
elif [ -z "$sales_code" ]; then
  fail aliases "The SMTP conversation with $SN broke off before RCPT TO:<sales@example.com>: ${local_error:-no reply}." \
    "Read server's /var/log/maillog for the grader's connection; postfix must take mail from other hosts."
elif [[ $sales_code != 2* && $sales_text == *"User unknown"* ]]; then
  if [ -n "$file_sales" ] && [ -z "$db_sales" ]; then
    fail aliases "RCPT TO:<sales@example.com> got $sales_code $sales_text; $sales_seen." \
      "Postfix never reads /etc/aliases itself, only aliases.db, which does not know sales yet: rebuild it with newaliases after every edit of /etc/aliases (a reload does not)."
  elif [ -z "$file_sales" ]; then
    fail aliases "RCPT TO:<sales@example.com> got $sales_code $sales_text; $sales_seen." \
      "There is no alias sales: add a line to /etc/aliases on server (the alias, a colon, the users separated by commas), then newaliases."
  else
    fail aliases "RCPT TO:<sales@example.com> got $sales_code $sales_text, although $sales_seen; alias_maps = ${alias_maps:-(empty)}." \
      "aliases.db knows sales, but postfix does not look there: keep RHEL's alias_maps = hash:/etc/aliases."
  fi
elif [[ $sales_code != 2* ]]; then
  rcpt_refused "$sales_code" "$sales_text" sales@example.com
  fail aliases "$why_seen." "$why_hint"
elif [[ $local_data_code != 2* ]] || [ -z "$qid" ]; then
  fail aliases "server accepted sales@example.com but not the message: ${local_data_code:-no reply} ${local_data_text:-$local_error}." \
    "Read server's /var/log/maillog for the grader's connection to see why the message itself was refused."
else
  seen="" problem=""
  for u in jerry kelly; do
    st=$(delivery "$u" | tail -n1)
    detail=$(field 2 <<<"$st")
    st=$(field 1 <<<"$st")
    IFS=$US read -r b_qid b_ip < <(in_mbox "$u" "$check_id")
    if [ "$st" = sent ] && [ "$b_qid" = "$qid" ] && [ "$b_ip" = "$ip_grader" ]; then
      seen+="${seen:+; }$u: delivered to mailbox, and it is in /var/spool/mail/$u"
    elif [ "$st" = sent ]; then
      seen+="${seen:+; }$u: postfix says $detail, but /var/spool/mail/$u does not hold it"
      [ -n "$problem" ] || problem=vanished:$u
    elif [ -n "$st" ]; then
      seen+="${seen:+; }$u: $st ($detail)"
      [ -n "$problem" ] || problem=$st:$u
    elif [ -n "$b_qid" ]; then
      seen+="${seen:+; }$u: a copy is in /var/spool/mail/$u, but postfix did not deliver it there"
      [ -n "$problem" ] || problem=forged:$u
    else
      seen+="${seen:+; }$u: no delivery"
      [ -n "$problem" ] || problem=missing:$u
    fi
  done
  extra=$(sales_to sent | tr -d ' ' | tr ',' '\n' | grep -vxE 'jerry|kelly' | paste -sd, | sed 's/,/, /g')
  bounced=$(sales_to bounced)
  [ -n "$extra" ] && seen+="; also delivered to: $extra"
  [ -n "$bounced" ] && seen+="; bounced for: $bounced"
  head="server accepted sales@example.com from the grader (queued as $qid); postfix's local delivery for it: $seen"
  u=${problem#*:}
  if [ -z "$problem" ] && [ -z "$extra" ] && [ -z "$bounced" ]; then
    pass aliases "$head."
  elif [ -n "$bounced" ] && [[ $problem != forged:* ]]; then
    fail aliases "$head." \
      "sales expands to '$bounced', which local delivery cannot deliver to (no such user?): an alias must end at existing users. Fix /etc/aliases, then newaliases."
  elif [[ $problem == forged:* ]]; then
    fail aliases "$head." "Only postfix's own local delivery counts: make sales expand to $u, so that postfix delivers the message itself."
  elif [[ $problem == vanished:* ]]; then
    fail aliases "$head." "Leave the mailbox alone: Check looks for its message in /var/spool/mail/$u right after postfix delivers it."
  elif [[ $problem == deferred:* || $problem == bounced:* ]]; then
    fail aliases "$head." "Postfix could not deliver to $u: the reason is in the line above (and in /var/log/maillog under queue ID $qid)."
  elif [[ $file_warn == *"duplicate entry"*'"sales"'* ]]; then
    fail aliases "$head." \
      "sales appears on more than one line of /etc/aliases, and postalias keeps only the first (it warns: duplicate entry): put both users on one line, separated by a comma, then newaliases."
  else
    fail aliases "$head." \
      "sales should reach jerry and kelly, no one else: list exactly those two on the alias's line in /etc/aliases (postalias -q sales hash:/etc/aliases shows what postfix sees), then newaliases."
  fi
fi

# =====================================================================================================
# access-map: mail from junk.example.net is refused by an access table looked up by sender
# =====================================================================================================
# The check_sender_access tables of every restriction list: "list<US>table" per entry, and the
# words before it in its list (a permit there decides before the table is asked).
sender_tables="" blocker=""
for list in "${RESTRICTION_LISTS[@]}"; do
  value_var=x_$list
  value=${!value_var}
  value=${value//"$conf"//etc/postfix}
  mapfile -t ws < <(words_of "$value")
  for i in "${!ws[@]}"; do
    [ "${ws[$i],,}" = check_sender_access ] || continue
    sender_tables+="$list$US${ws[$((i + 1))]:-}"$'\n'
    if [ -z "$blocker" ]; then
      for ((j = 0; j < i; j++)); do
        case ${ws[$j],,} in permit | reject | defer) blocker="${ws[$j]} (in $list)" && break ;; esac
      done
    fi
  done
done
IFS=$US read -r table_list table < <(grep . <<<"$sender_tables" | head -n1)
table_type=${table%%:*} table_path=${table#*:}
[[ $table == *:* ]] || table_type="" table_path=$table
table_path=$(tr -s / <<<"$table_path")
table_copy=$(evidence $S "$table_path")
table_state=none
table_answer="" table_key=""
if [ -z "$table" ]; then
  :
elif [ -z "$table_type" ]; then
  table_state=untyped
elif [[ ! ${table_type,,} =~ ^(hash|btree|regexp|texthash)$ ]]; then
  table_state=unreadable-type
elif [[ $table_path != /etc/postfix/* ]]; then
  table_state=elsewhere
elif [ ! -f "$table_copy" ]; then
  table_state=nofile
else
  cp "$table_copy" "$work/table"
  table_state=readable
  if [[ ${table_type,,} == hash || ${table_type,,} == btree ]]; then
    if [ ! -f "$table_copy.db" ]; then
      table_state=nodb
    else
      /usr/sbin/postmap "${table_type,,}:$work/table" 2>/dev/null
      [ "$(/usr/sbin/postmap -s "${table_type,,}:$work/table" 2>/dev/null | sort)" != \
        "$(/usr/sbin/postmap -s "${table_type,,}:$table_copy" 2>/dev/null | sort)" ] && table_state=stale
    fi
  fi
  # What the table as written answers for the check's sender, in smtpd's order: the address, its
  # domain and the parent domains, then the local part with @ (a regexp table sees the address only).
  keys=("$JUNK")
  if [[ ${table_type,,} != regexp ]]; then
    d=junk.example.net
    keys+=("$d")
    while [[ $d == *.* ]]; do
      d=${d#*.}
      if [[ ${parent_style,,} == *smtpd_access_maps* ]]; then keys+=("$d"); else keys+=(".$d"); fi
    done
    keys+=("$MAILLAB_NONCE@")
  fi
  for k in "${keys[@]}"; do
    v=$(/usr/sbin/postmap -q "$k" "${table_type,,}:$work/table" 2>/dev/null) || continue
    table_key=$k table_answer=$v
    break
  done
fi
rejects_junk=1
case ${table_answer,,} in reject | reject\ * | 5[0-9][0-9] | 5[0-9][0-9]\ *) rejects_junk=0 ;; esac
junk_code=$(F junk_rcpt_student_example_com_code)
junk_text=$(F junk_rcpt_student_example_com_text)
junk_mail_code=$(F junk_mail_code)
junk_mail_text=$(F junk_mail_text)
# With smtpd_delay_reject = no the refusal comes at MAIL FROM already.
if [[ $junk_mail_code == [45]* ]]; then junk_code=$junk_mail_code junk_text=$junk_mail_text; fi
junk_logged=$(grep -E "^postfix/smtpd: NOQUEUE: reject: (RCPT|MAIL) from [^[]*\[$ip_grader\]: " <<<"$run" | grep -F "from=<$JUNK>" | tail -n1)
junk_seen="MAIL FROM:<$JUNK> and RCPT TO:<student@example.com> got ${junk_code:-no reply} ${junk_text:-$(F junk_error_text)}"
table_seen="${table:+check_sender_access $table in $table_list}"
[ -n "$table_seen" ] || table_seen="no restriction list has check_sender_access"
[ -n "$table_answer" ] && table_seen="$table_seen; the table answers '$table_answer' for $table_key"
[ "$table_state" = readable ] && [ -z "$table_answer" ] && table_seen="$table_seen; nothing in it matches $JUNK"
no_table_hint="Postfix refuses a sender only when a restriction list looks it up: write the access table (the domain and REJECT, as in lesson 05), build it with postmap, and name it in smtpd_sender_restrictions with check_sender_access hash:/etc/postfix/access; then reload postfix."
if [ $smtp_ok -ne 0 ]; then
  fail access-map "$noconv_seen." "$noconv_hint"
elif [ -z "$junk_code" ]; then
  fail access-map "The SMTP conversation with $SN broke off: $(F junk_error_text)." \
    "Read server's /var/log/maillog for the grader's connection to see how it ended."
elif [[ $junk_code == 5* && $junk_text == *"Sender address rejected"* ]]; then
  if [ -z "$junk_logged" ]; then
    fail access-map "$junk_seen, but server's postfix logged no such refusal." \
      "Only postfix, run by systemd on server, counts: let it answer on port 25 (systemctl restart postfix) and refuse the sender itself."
  elif [ -z "$table" ]; then
    fail access-map "$junk_seen, but $table_seen$note." \
      "The exam asks for an access table: refuse the domain with check_sender_access and a table (the domain and REJECT, built with postmap), not with another restriction."
  elif [ "$table_state" = stale ]; then
    fail access-map "$junk_seen; $table_seen, but access.db does not hold what the file says (Check rebuilt it and compared)." \
      "The text file and the table postfix reads differ: run postmap on the table after every change, so that what you read is what postfix does."
  elif [ $rejects_junk -ne 0 ]; then
    fail access-map "$junk_seen; but $table_seen." \
      "The refusal must come from the access table: a line with the domain junk.example.net and REJECT, then postmap."
  elif [[ $local_text == *"Sender address rejected"* ]]; then
    fail access-map "$junk_seen; but the grader's ordinary message was refused too: $local_code $local_text." \
      "The table refuses more than junk.example.net: list only that domain with REJECT."
  else
    pass access-map "$junk_seen; $table_seen; the grader's other senders got through."
  fi
elif [[ $junk_code == 4* && ($junk_text == *"Server configuration error"* || -n $unavailable) ]]; then
  fail access-map "$junk_seen; postfix logged: ${unavailable:-a table it could not read}." "$unavailable_hint"
elif [[ $junk_code == 4* ]]; then
  fail access-map "$junk_seen: a temporary refusal (4xx), so the sender's server would keep retrying." \
    "REJECT refuses for good, with a 5xx code: use it for the domain in the access table (a 4xx action only postpones)."
elif [[ $junk_code == 5* ]]; then
  fail access-map "$junk_seen: refused, but not for its sender (not 'Sender address rejected')." \
    "The exam wants mail refused for its sender's domain: check_sender_access with the access table, not a client or recipient restriction."
elif [ -z "$table" ]; then
  fail access-map "$junk_seen: accepted; $table_seen$note." "$no_table_hint"
elif [ "$table_state" = untyped ] || [ "$table_state" = unreadable-type ]; then
  fail access-map "$junk_seen: accepted; $table_seen$note." \
    "Name the table with its type, as postmap builds it: hash:/etc/postfix/access (lesson 05's form)."
elif [ "$table_state" = elsewhere ]; then
  fail access-map "$junk_seen: accepted; $table_seen: a file outside /etc/postfix." \
    "Keep the access table in /etc/postfix (hash:/etc/postfix/access), where Check reads postfix's configuration."
elif [ "$table_state" = nofile ]; then
  fail access-map "$junk_seen: accepted; $table_seen, but there is no such file on server." \
    "Write the access table: one line per key, here the domain junk.example.net and REJECT; then postmap it."
elif [ "$table_state" = nodb ] || [ "$table_state" = stale ]; then
  fail access-map "$junk_seen: accepted; $table_seen, but access.db $([ "$table_state" = nodb ] && echo 'does not exist' || echo 'does not hold what the file says')." \
    "postfix never reads the text file, only the indexed file that postmap builds from it: run postmap on the table after every change."
elif [ $rejects_junk -ne 0 ]; then
  fail access-map "$junk_seen: accepted; $table_seen." \
    "The access table must refuse junk.example.net: a line with the domain (it covers every address in it) and REJECT, then postmap."
elif [ -n "$blocker" ]; then
  fail access-map "$junk_seen: accepted; $table_seen, but '$blocker' decides before it." \
    "Restrictions are tried in the order written and the first that decides wins: put check_sender_access before any permit that matches every client."
else
  fail access-map "$junk_seen: accepted, although $table_seen$note." \
    "main.cf and the table would refuse it, but the running postfix does not yet: reload postfix after changing main.cf."
fi

# =====================================================================================================
# SMTP AUTH: sasl-relay (235, then relay) and sasl-refuses (535, and no relay without a login)
# =====================================================================================================
tls=$(F tls)
auth_line() { tr '|' '\n' <<<"$1" | sed -nE 's/^[[:space:]]*[Aa][Uu][Tt][Hh][ =](.*)$/\1/p' | head -n1 | tr 'a-z' 'A-Z' | xargs; }
mechs=$(auth_line "$(F hello_ehlo_text)")
where="in its EHLO reply"
if [ -z "$mechs" ] && [ -n "$tls" ]; then
  mechs=$(auth_line "$(F hello_ehlo_tls_text)")
  where="after STARTTLS"
fi
login_via="AUTH"
[ -n "$tls" ] && login_via="STARTTLS, then AUTH"
sasl_conf=$(evidence $S /etc/sasl2/smtpd.conf)
[ -f "$sasl_conf" ] || sasl_conf=$(evidence $S /etc/postfix/sasl/smtpd.conf)
pwcheck=$(sed -nE 's/^[[:space:]]*pwcheck_method[[:space:]]*:[[:space:]]*//p' "$sasl_conf" 2>/dev/null | tail -n1 | tr -d '\r')
slog=$(daemon_log $S saslauthd | awk -F"$US" -v t0="$t0" '$3 + 0 >= t0 + 0 {print $2}')
sasl_answered=$(grep -oE 'auth failure: \[user=student\].*' <<<"$slog" | tail -n1)
relay_log=$(msg_lines "$ptext" "$relay_id")
sasl_line=$(grep -E '^postfix/smtpd: [0-9A-Za-z]+: client=.*sasl_username=' <<<"$relay_log" | head -n1)
sasl_user=$(sed -nE 's/.*sasl_username=([^,[:space:]]+).*/\1/p' <<<"$sasl_line")
failed_line=$(grep -E "^postfix/smtpd: warning: [^ ]*\[$ip_grader\]: SASL (PLAIN|LOGIN) authentication failed" <<<"$run" | head -n1)
no_saslauthd=$(grep -E '^postfix/smtpd: warning: SASL authentication failure: cannot connect to saslauthd' <<<"$run" | tail -n1)
sasl_fatal=$(grep -iE '^postfix/[a-z]+: (fatal|error|panic): .*(sasl|mechanism)' <<<"$run" | tail -n1 | cut -c1-200)
good_code=$(F auth_auth_code) good_text=$(F auth_auth_text)
relay_code=$(F auth_rcpt_someone_elsewhere_test_code) relay_text=$(F auth_rcpt_someone_elsewhere_test_text)
bad_code=$(F bad_auth_code) bad_text=$(F bad_auth_text)
open_code=$(F open_rcpt_someone_elsewhere_test_code) open_text=$(F open_rcpt_someone_elsewhere_test_text)
noauth_seen="server offers no AUTH $where (smtpd_sasl_auth_enable = ${sasl_enable:-no}$note)"
noauth_hint="SMTP AUTH is not switched on yet: see the criterion about relaying after a login."
not_postfix_hint="Server's postfix, run by systemd, logged nothing for the check's login: let systemd run postfix (systemctl restart postfix) and let it do the authentication itself."
# permit_sasl_authenticated before the first restriction that refuses strangers in LIST?
sasl_first() {
  local w
  for w in $(lc "$1"); do
    case $w in
      permit_sasl_authenticated) return 0 ;;
      reject_unauth_destination | defer_unauth_destination | reject | defer) return 1 ;;
    esac
  done
  return 1
}
good_seen="$login_via as student with the right password got ${good_code:-no reply} $good_text"
relay_seen="after $login_via as student, RCPT TO:<$FOREIGN> got ${relay_code:-no reply} $relay_text"
if [ $smtp_ok -ne 0 ]; then
  fail sasl-relay "$noconv_seen." "$noconv_hint"
elif [ -z "$mechs" ] && [ -n "$sasl_fatal" ]; then
  fail sasl-relay "$noauth_seen; postfix's log: $sasl_fatal." \
    "smtpd cannot start its SASL side: read /var/log/maillog. Is mech_list in /etc/sasl2/smtpd.conf a list of mechanisms (plain login)?"
elif [ -z "$mechs" ] && [[ ${tls_auth_only,,} == yes ]]; then
  fail sasl-relay "$noauth_seen, and smtpd_tls_auth_only = yes, but server offers no STARTTLS either (smtpd_tls_security_level = ${tls_level:-none})." \
    "With smtpd_tls_auth_only = yes postfix offers AUTH only inside TLS: keep smtpd_tls_security_level = may (RHEL's default), or drop smtpd_tls_auth_only."
elif [ -z "$mechs" ] && [ "${sasl_enable,,}" = yes ]; then
  fail sasl-relay "$noauth_seen, although main.cf says smtpd_sasl_auth_enable = yes$note." \
    "main.cf is right but the running smtpd does not offer AUTH yet: reload postfix so that it reads main.cf again."
elif [ -z "$mechs" ]; then
  fail sasl-relay "$noauth_seen." \
    "Postfix offers SMTP AUTH only when main.cf switches it on (smtpd_sasl_auth_enable, lesson 07); reload postfix, then look for the AUTH line in an EHLO reply."
elif [ -n "$no_saslauthd" ] && [ "$good_code" != 235 ]; then
  fail sasl-relay "$good_seen; server's postfix logged: ${no_saslauthd#postfix/smtpd: }." \
    "Postfix asks saslauthd to check passwords, and saslauthd is not running: start it and enable it (systemctl enable --now saslauthd)."
elif [ "$good_code" != 235 ] && [[ ${pwcheck,,} != saslauthd && ${sasl_type,,} != dovecot ]]; then
  fail sasl-relay "$good_seen; /etc/sasl2/smtpd.conf says pwcheck_method: ${pwcheck:-(not set)}." \
    "Postfix's SASL library learns from /etc/sasl2/smtpd.conf how to check a password: pwcheck_method: saslauthd makes it ask saslauthd, which asks PAM."
elif [ "$good_code" != 235 ]; then
  fail sasl-relay "$good_seen." \
    "The right password was refused: test saslauthd alone on server (testsaslauthd -u student -p student -s smtp), and read /var/log/maillog for smtpd's SASL warning."
elif [[ $relay_code == 2* ]] && [ "$sasl_user" = student ]; then
  pass sasl-relay "$good_seen; $relay_seen; server's postfix logged the check's message with ${sasl_line#*: client=}."
elif [[ $relay_code == 2* ]]; then
  fail sasl-relay "$relay_seen, but server's postfix logged no SASL login for the check's message." "$not_postfix_hint"
elif [[ $relay_code == 4* && ($relay_text == *"Server configuration error"* || -n $unavailable) ]]; then
  fail sasl-relay "$relay_seen; postfix logged: ${unavailable:-a table it could not read}." "$unavailable_hint"
elif [[ $relay_text == *"Sender address rejected"* ]]; then
  fail sasl-relay "$relay_seen (the sender was student@example.com)." \
    "A sender restriction refuses student@example.com: the access table should refuse junk.example.net only."
elif [[ " $(lc "$relay_r") $(lc "$rcpt_r") " != *" permit_sasl_authenticated "* ]]; then
  fail sasl-relay "$relay_seen; smtpd_relay_restrictions = ${relay_r:-(empty)}$note." \
    "Logging in works, but nothing lets a logged-in user relay: smtpd_relay_restrictions needs permit_sasl_authenticated, and postfix must be reloaded."
elif ! sasl_first "$relay_r" && [[ " $(lc "$relay_r") " == *" permit_sasl_authenticated "* ]]; then
  fail sasl-relay "$relay_seen; smtpd_relay_restrictions = $relay_r$note." \
    "Restrictions are tried from left to right and the first one that decides wins: a rule that refuses foreign destinations before permit_sasl_authenticated stops logged-in users too. Mind the order."
else
  fail sasl-relay "$relay_seen; smtpd_relay_restrictions = ${relay_r:-(empty)}$note." \
    "main.cf lets logged-in users relay, but the running postfix refused: reload postfix, and read /var/log/maillog for the reject line of this RCPT."
fi

bad_seen="$login_via as student with a wrong password got ${bad_code:-no reply} $bad_text$(F bad_error_text)"
open_seen="without AUTH, RCPT TO:<$FOREIGN> from the grader ($ip_grader), a stranger, got ${open_code:-no reply} $open_text"
if [ -n "$mynetworks" ]; then
  trusts="mynetworks = $mynetworks"
else
  trusts="mynetworks is not set, so mynetworks_style = ${mynetworks_style:-host} decides whom postfix trusts"
fi
if [ $smtp_ok -ne 0 ]; then
  fail sasl-refuses "$noconv_seen." "$noconv_hint"
elif [ -z "$open_code" ]; then
  fail sasl-refuses "The grader's conversation without AUTH broke off: $(F open_error_text)." \
    "Press Check again; if it persists, read /var/log/maillog on server for the grader's connection."
elif [[ $open_code == 2* ]] && [[ " $(lc "$relay_r") $(lc "$rcpt_r") " != *unauth_destination* ]]; then
  fail sasl-refuses "$open_seen: server is an open relay; smtpd_relay_restrictions = ${relay_r:-(empty)}$note." \
    "smtpd_relay_restrictions decides who may send mail on to other domains; after the clients it trusts it must refuse everyone else (defer_unauth_destination, RHEL's default, or reject_unauth_destination)."
elif [[ $open_code == 2* ]] && [ -z "$mynetworks" ] && [ "${mynetworks_style:-host}" != host ]; then
  fail sasl-refuses "$open_seen: server relays for it by address; $trusts$note." \
    "mynetworks_style = ${mynetworks_style} trusts every host on server's network to relay without a password, strangers too. Trust by address only the server itself (RHEL 9's default) and let everyone else log in."
elif [[ $open_code == 2* ]]; then
  fail sasl-refuses "$open_seen: server relays for it without a password; $trusts$note." \
    "permit_mynetworks lets every client in mynetworks relay without a password, and the grader, a stranger on the lab network, is one of them: trust by address only the server itself (and desktop alone if you like), so that everyone else must log in."
elif [ -z "$mechs" ]; then
  fail sasl-refuses "$open_seen, but $noauth_seen: there is no login to refuse a wrong password." "$noauth_hint"
elif [[ $bad_code == 2* ]]; then
  fail sasl-refuses "$bad_seen: anyone who knows a user name gets in." \
    "A wrong password must be refused: saslauthd has to check passwords against the system's (MECH=pam in /etc/sysconfig/saslauthd), and /etc/sasl2/smtpd.conf must make postfix ask it (pwcheck_method: saslauthd)."
elif [ "$good_code" != 235 ]; then
  fail sasl-refuses "$bad_seen, but the right password was refused too (${good_code:-no reply} $good_text): every login fails, so this refusal proves nothing yet." \
    "A wrong password counts as refused only when the right one gets in: make logins with the right password work first (see the criterion about relaying after a login)."
elif [ "$bad_code" = 535 ] && [ -n "$failed_line" ] && [ -n "$sasl_answered" ]; then
  relay_verdict sasl-refuses $S "$bad_seen, while the right one got 235; saslauthd logged: $sasl_answered; $open_seen."
elif [ "$bad_code" = 535 ] && [ -z "$failed_line" ]; then
  fail sasl-refuses "$bad_seen, but server's postfix logged no failed login from the grader." "$not_postfix_hint"
elif [ "$bad_code" = 535 ]; then
  fail sasl-refuses "$bad_seen, but saslauthd logged nothing about it: postfix checked the password some other way (smtpd_sasl_type = ${sasl_type:-cyrus}, pwcheck_method: ${pwcheck:-(not set)})." \
    "The exam asks saslauthd to check the passwords, through PAM: smtpd_sasl_type = cyrus (the default), pwcheck_method: saslauthd in /etc/sasl2/smtpd.conf, and saslauthd running with MECH=pam."
else
  fail sasl-refuses "$bad_seen, not 535." \
    "Press Check again; if it persists, read /var/log/maillog on server for what smtpd said about the login."
fi

# =====================================================================================================
# Dovecot: pop3s, imaps, tls-cert
# =====================================================================================================
dconf=$(evidence $S /etc/dovecot/dovecot.conf)
conf_err=""
if [ -f "$dconf" ]; then
  conf_err=$(/usr/bin/doveconf -c "$dconf" -n 2>&1 >/dev/null | grep -E 'Fatal|Error' | head -n1 |
    sed "s#$MAILLAB_EVIDENCE/$S##g" | cut -c1-200)
else
  conf_err="no /etc/dovecot/dovecot.conf was copied from server"
fi
# dovecot's settings, as dc reads them (the grader's doveconf on the copied files), in one run
mloc=$(dc $S mail_location)
{ read -r priv; read -r protocols; read -r ssl_cert; read -r ssl_key; read -r kpass; } < <(
  [ -f "$dconf" ] && /usr/bin/doveconf -c "$dconf" -h mail_privileged_group protocols ssl_cert ssl_key ssl_key_password 2>/dev/null)
ssl_cert=${ssl_cert#<} ssl_key=${ssl_key#<}
loc_inbox=""
IFS=':' read -r -a loc_parts <<<"$mloc"
for part in "${loc_parts[@]:2}"; do [[ $part == INBOX=* ]] && loc_inbox=${part#INBOX=}; done
spool_re='^/var/(spool/)?mail/(%u|%n|%Lu|%Ln|%\{user\}|%\{username\})$'
if [ -z "$mloc" ]; then
  loc_hint="mail_location is not set, so dovecot guesses where student's mail is, and the guess fails (its log: Mail storage autodetection failed). Tell it in 10-mail.conf: mbox files, other folders under ~/mail, and the INBOX in the spool where postfix delivers (lesson 10)."
elif [[ ${loc_parts[0]} == maildir ]]; then
  loc_hint="mail_location = $mloc makes dovecot read a Maildir, but postfix delivers into one mbox file per user in /var/spool/mail: use mbox, with the INBOX in the spool."
elif [ -z "$loc_inbox" ]; then
  loc_hint="mail_location = $mloc names only the root folder; without INBOX= dovecot keeps INBOX as an empty file under it, not the spool postfix writes. Add INBOX= with the user's spool file (/var/mail/%u)."
elif ! [[ $loc_inbox =~ $spool_re ]]; then
  loc_hint="INBOX=$loc_inbox is not the spool file postfix writes for each user: /var/spool/mail/<user> (= /var/mail), with %u for the user name."
else
  loc_hint="dovecot serves student another INBOX than the spool the message is in: restart dovecot after editing 10-mail.conf, and read journalctl -u dovecot."
fi
[ -n "$conf_err" ] && [ -z "$mloc" ] &&
  loc_hint="doveconf cannot read server's dovecot configuration ($conf_err): fix the line it names (doveconf -n on server shows the same), then restart dovecot."

dlog=$(daemon_log $S dovecot)
drun=$(awk -F"$US" -v t0="$t0" '$3 + 0 >= t0 + 0 {print $2}' <<<"$dlog")
dv_fatal=$(awk -F"$US" '{print $2}' <<<"$dlog" | grep -E 'Fatal: |Error in configuration' | tail -n1 | cut -c1-200)
dv_started=$(awk -F"$US" '{print $2}' <<<"$dlog" | grep -E 'starting up' | tail -n1)
dotlock=$(grep -E 'file_dotlock_create' <<<"$drun" | tail -n1 | sed -E 's/^[^:]*: //' | cut -c1-220)
autodetect=$(grep -E 'Mail storage autodetection failed' <<<"$drun" | tail -n1 | sed -E 's/^[^:]*: //' | cut -c1-200)
# login_line PROTO: this run's Login: line of PROTO-login for the grader over TLS
login_line() { grep -E "^$1-login: Login: " <<<"$drun" | grep -F "rip=$ip_grader," | grep -F ', TLS' | tail -n1; }
session_end() {
  local mpid sess
  mpid=$(grep -oE 'mpid=[0-9]+' <<<"$2" | head -n1 | cut -d= -f2)
  sess=$(grep -oE 'session=<[^>]*>' <<<"$2" | head -n1 | sed -E 's/^session=<(.*)>$/\1/')
  [ -n "$mpid" ] || return 0
  grep -F "$1(student)<$mpid><$sess>: Disconnected" <<<"$drun" | tail -n1
}
g_pop=$(login_line pop3)
g_pop_retr=$(session_end pop3 "$g_pop" | grep -oE 'retr=[0-9]+' | head -n1 | cut -d= -f2)
g_imap=$(login_line imap)
g_imap_end=$(session_end imap "$g_imap")
tls_sessions=$(grep -E "^(pop3|imap)-login: " <<<"$drun" | grep -F "rip=$ip_grader," | grep -cF 'TLS')

# reach STATUS TEXT: open, refused, blocked (a firewall), or broken (connected, no working service)
reach_of() {
  case $1 in
    ok) echo open ;;
    err)
      case $2 in
        *"Connection refused"*) echo refused ;;
        *"No route to host"* | *"timed out"* | *"timeout"*) echo blocked ;;
        *) echo broken ;;
      esac
      ;;
    *) echo unknown ;;
  esac
}
r995=$(reach_of "$(F pop3s_connect)" "$(F pop3s_connect_text)")
r993=$(reach_of "$(F imaps_connect)" "$(F imaps_connect_text)")
dv_down_seen="dovecot is not running on server${dv_fatal:+ (its log: $dv_fatal)}"
dv_down_hint="Start dovecot on server and enable it at boot (systemctl enable --now dovecot); if it will not start, systemctl status dovecot and journalctl -u dovecot say why."
impostor_hint="Only dovecot may serve the mail here: stop whatever else listens on 993 and 995, and let dovecot (systemctl enable --now dovecot) do it."
undelivered_seen="the grader's message for student@example.com never reached /var/spool/mail/student, so there was nothing to fetch"
forged_copy=""
[ -n "$s_qid" ] && forged_copy="the copy of the grader's message in /var/spool/mail/student is not one that server's postfix took from the grader and delivered (it names queue ID '$s_qid', client '${s_ip:-none}')"
if [[ $local_code == 4* && ($local_text == *"Server configuration error"* || -n $unavailable) ]]; then
  undelivered_hint="Check fetches the message it mailed to student over SMTP, and server refused it with 451 Server configuration error: postfix cannot read ${unavailable_table:-one of its lookup tables}. Build it (postmap for an access table), then reload postfix."
else
  undelivered_hint="Check fetches the message it mailed to student@example.com over SMTP: make the server receive it first (see the criterion about receiving mail)."
fi
if [ -n "$forged_copy" ]; then
  undelivered_seen=$forged_copy
  undelivered_hint="Only the message the grader hands to postfix counts: let postfix receive it and its local delivery write it into student's mailbox (see the criterion about receiving mail)."
fi

# judge_fetch CRITERION NAME PORT REACH PROTO-LABEL SERVICE
judge_fetch() {
  local crit=$1 n=$2 port=$3 r=$4 label=$5 service=$6 login text err
  login=$(F "${n}_login") text=$(unbytes "$(F "${n}_login_text")") err=$(F "${n}_error")
  local connect_text
  connect_text=$(unbytes "$(F "${n}_connect_text")")
  if [ "$r" = blocked ]; then
    fail "$crit" "The grader's connection to $SN:$port ($label) was rejected by server's firewall: $connect_text." \
      "firewalld on server rejects port $port: allow the $service service, now and with --permanent (see the firewall criterion)."
  elif [ "$r" = refused ] && [ -z "$dv_started" ]; then
    fail "$crit" "The grader's connection to $SN:$port was refused: $dv_down_seen." "$dv_down_hint"
  elif [ "$r" = refused ]; then
    fail "$crit" "The grader's connection to $SN:$port was refused, although dovecot has run on server (protocols = ${protocols:-?})." \
      "Nothing listens on $port: dovecot must run (systemctl status dovecot) and serve ${label%S} (protocols includes ${service%s}; 10-master.conf keeps its ssl listener on $port)."
  elif [ "$r" != open ]; then
    fail "$crit" "The grader could not start $label on $SN:$port: $connect_text." \
      "The TLS handshake failed: dovecot needs a certificate and its key (ssl_cert, ssl_key in 10-ssl.conf, each with the < in front of the file name); journalctl -u dovecot says what it could not load."
  elif [ "$login" != ok ]; then
    fail "$crit" "Over $label the grader's login as student failed: $text $err." \
      "student logs in to dovecot with the system password, through PAM as RHEL installs it: journalctl -u dovecot says why the login failed."
  elif [ $delivered -ne 0 ]; then
    fail "$crit" "The grader logged in over $label, but $undelivered_seen." "$undelivered_hint"
  else
    return 1
  fi
  return 0
}

# --- pop3s ---------------------------------------------------------------------------------------------
if judge_fetch pop3s pop3s 995 "$r995" POP3S pop3s; then
  :
elif [ "$(F pop3s_needle)" != found ]; then
  fail pop3s "The grader logged in over POP3S, but the check's message was not among the $(F pop3s_count) messages dovecot serves as student's INBOX$([ -n "$(F pop3s_error)" ] && printf ' (%s)' "$(F pop3s_error)"); mail_location = ${mloc:-(not set)}." \
    "$loc_hint"
elif [ -z "$g_pop" ] || [ "${g_pop_retr:-0}" -lt 1 ]; then
  fail pop3s "The grader's POP3S session found the check's message, but dovecot logged no such session from the grader ($ip_grader): something other than dovecot answered on 995." "$impostor_hint"
else
  pass pop3s "The grader logged in as student over POP3S (995) and retrieved the check's message ($MAILLAB_NONCE); dovecot logged: ${g_pop#pop3-login: }."
fi

# --- imaps ---------------------------------------------------------------------------------------------
if judge_fetch imaps imaps 993 "$r993" IMAPS imaps; then
  :
elif [[ $(F imaps_error) == *"not writable"* ]]; then
  fail imaps "SELECT INBOX over IMAPS came back read-only (nothing can be marked read or deleted); dovecot logged: ${dotlock:-nothing about it}; mail_privileged_group = ${priv:-(not set)}." \
    "dovecot runs as student and could not create the lock file (student.lock) in /var/mail, which belongs to root and group mail: let dovecot use the spool's group for that (mail_privileged_group in 10-mail.conf, lesson 10), then restart dovecot."
elif [ "$(F imaps_select)" != ok ]; then
  fail imaps "SELECT INBOX over IMAPS failed: $(F imaps_select) $(F imaps_select_text) $(F imaps_error)${autodetect:+; dovecot logged: $autodetect}; mail_location = ${mloc:-(not set)}." \
    "$loc_hint"
elif [ "$(F imaps_needle)" != found ]; then
  fail imaps "SELECT INBOX over IMAPS shows $(F imaps_select_text) message(s), and none is the check's message; mail_location = ${mloc:-(not set)}." \
    "$loc_hint"
elif [ -z "$g_imap" ] || [ -z "$g_imap_end" ]; then
  fail imaps "The grader's IMAPS session found the check's message, but dovecot logged no such session from the grader ($ip_grader): something other than dovecot answered on 993." "$impostor_hint"
else
  pass imaps "The grader logged in as student over IMAPS (993); SELECT INBOX opened it read-write with $(F imaps_select_text) messages and found the check's message; dovecot logged: ${g_imap#imap-login: }."
fi

# --- tls-cert: the certificates served on 993 and 995, and the files dovecot's configuration names ----
certs=$(/usr/bin/python3 - "$SN" "$(evidence $S "$ssl_cert")" <<'PY'
import hashlib, os, socket, ssl, sys, tempfile
host, conf_file = sys.argv[1], sys.argv[2]
def out(*f):
    print("\x1f".join(str(x).replace("\n", " ").replace("\x1f", " ") for x in f))
def describe(der):
    pem = ssl.DER_cert_to_PEM_cert(der)
    with tempfile.NamedTemporaryFile("w", suffix=".pem", delete=False) as f:
        f.write(pem)
    try:
        info = ssl._ssl._test_decode_cert(f.name)
    finally:
        os.unlink(f.name)
    cn = ",".join(v for rdn in info.get("subject", ()) for k, v in rdn if k == "commonName")
    san = ",".join(v for k, v in info.get("subjectAltName", ()) if k == "DNS")
    now = ssl.cert_time_to_seconds
    import time
    valid = "valid"
    try:
        if now(info["notBefore"]) > time.time():
            valid = "not valid before " + info["notBefore"]
        elif now(info["notAfter"]) < time.time():
            valid = "expired " + info["notAfter"]
    except (KeyError, ValueError):
        pass
    return hashlib.sha256(der).hexdigest(), cn, san, valid
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
for port in (993, 995):
    try:
        with socket.create_connection((host, port), timeout=5) as sock, ctx.wrap_socket(sock, server_hostname=host) as tls:
            out(port, "ok", *describe(tls.getpeercert(binary_form=True)))
    except (OSError, ssl.SSLError) as err:
        out(port, "err", str(err))
try:
    text = open(conf_file).read()
    der = ssl.PEM_cert_to_DER_cert(text[text.index("-----BEGIN CERTIFICATE-----"):text.index("-----END CERTIFICATE-----") + 25])
    out("file", "ok", *describe(der))
except (OSError, ValueError) as err:
    out("file", "err", str(err))
PY
)
row() { awk -F"$US" -v k="$1" '$1 == k' <<<"$certs" | head -n1; }
# names_server CN SAN: clients match the name against subjectAltName when it has DNS names, else the CN.
names_server() {
  local n names=$2
  [ -n "$names" ] || names=$1
  for n in ${names//,/ }; do
    n=${n,,}
    case $n in server.example.com | mail.example.com | '*.example.com') return 0 ;; esac
  done
  return 1
}
IFS=$US read -r _ c993 sha993 cn993 san993 valid993 < <(row 993)
IFS=$US read -r _ c995 sha995 cn995 san995 valid995 < <(row 995)
IFS=$US read -r _ cfile shafile cnfile sanfile _ < <(row file)
key_copy=$(evidence $S "$ssl_key")
key_mode=$(stat -c %a "$key_copy" 2>/dev/null)
files_hint="Check reads the files ssl_cert and ssl_key name, under /etc/pki (as RHEL keeps them: /etc/pki/dovecot/certs and /etc/pki/dovecot/private) or /etc/dovecot, and not through a symbolic link: keep the certificate and its key there and name them with ssl_cert = </path and ssl_key = </path."
served="" bad_port="" stale_port=""
for p in 993 995; do
  c="c$p" sha="sha$p" cn="cn$p" san="san$p" valid="valid$p"
  [ "${!c}" = ok ] || continue
  served+="${served:+; }$p serves CN=${!cn:-(none)}${!san:+, subjectAltName ${!san}}"
  names_server "${!cn}" "${!san}" || bad_port=$p
  [ "${!valid}" = valid ] || stale_port=$p
done
if [ "$c993" != ok ] && [ "$c995" != ok ]; then
  if [ "$r993" = blocked ] && [ "$r995" = blocked ]; then
    fail tls-cert "The grader could not reach 993 or 995 on server: its firewall rejects them." \
      "firewalld on server rejects IMAPS and POP3S: allow the imaps and pop3s services, now and with --permanent (see the firewall criterion)."
  elif [ -z "$dv_started" ]; then
    fail tls-cert "No TLS handshake on 993 or 995: $dv_down_seen." "$dv_down_hint"
  else
    fail tls-cert "No TLS handshake on 993 or 995 (993: $(row 993 | field 3); 995: $(row 995 | field 3))." \
      "dovecot must serve IMAPS and POP3S with a certificate and key (ssl_cert and ssl_key in 10-ssl.conf); journalctl -u dovecot says what it could not load."
  fi
elif [ -n "$bad_port" ]; then
  cn="cn$bad_port"
  if [ "${!cn,,}" = imap.example.com ]; then
    fail tls-cert "$served: that is the certificate dovecot-init made at dovecot's first start." \
      "dovecot's default certificate names imap.example.com, not this server, so every client warns about it: make a certificate for server.example.com (openssl req -x509, lesson 11), put it where ssl_cert and ssl_key point, and restart dovecot."
  else
    fail tls-cert "$served: the certificate does not name the server." \
      "Clients connect to server.example.com (or mail.example.com): the certificate must name it, in subjectAltName (clients look there first) or, when it has none, as its CN. Make one that does (openssl req -x509 -subj /CN=server.example.com ...), then restart dovecot."
  fi
elif [ -n "$stale_port" ]; then
  valid="valid$stale_port"
  fail tls-cert "$served, but the certificate is ${!valid}." \
    "A certificate is only good between its start and end dates: make a new one (openssl req -x509 -days 365 ...), then restart dovecot."
elif [ -z "$tls_sessions" ] || [ "$tls_sessions" -eq 0 ]; then
  fail tls-cert "$served, but dovecot logged no TLS session from the grader in this run: something other than dovecot answered." "$impostor_hint"
elif [ "$cfile" != ok ]; then
  fail tls-cert "$served, but ssl_cert = <${ssl_cert:-(not set)}: the grader cannot read that file ($(row file | field 3))." \
    "$files_hint"
elif [ "$shafile" != "$sha993" ] && [ "$shafile" != "$sha995" ]; then
  fail tls-cert "$served, but ssl_cert = <$ssl_cert holds another certificate (CN=${cnfile:-none})." \
    "dovecot reads its certificate when it starts: restart dovecot after replacing the files, so that it serves the one ssl_cert names."
elif [ -z "$key_mode" ]; then
  fail tls-cert "$served; ssl_key = <${ssl_key:-(not set)}, which the grader could not read from server." \
    "$files_hint"
else
  # The key (rule 9): the served certificate's (no decoy), not on server before the exam, root's alone.
  cert_copy=$(evidence $S "$ssl_cert")
  [[ $kpass == '<'* ]] && kpass=""
  cert_pub=$(cert_pubkey "$cert_copy")
  key_pub=$(key_pubkey "$key_copy" "$kpass")
  made_before=$(key_made_before $S "$cert_pub")
  key_readers=$(secret_readers "$key_copy" "the key $ssl_key")
  cert_readers=""
  [ "$cert_copy" != "$key_copy" ] && grep -q -- 'PRIVATE KEY-----' "$cert_copy" &&
    cert_readers=$(secret_readers "$cert_copy" "$ssl_cert, the certificate file, holds the private key too and")
  if [ -z "$key_pub" ]; then
    fail tls-cert "$served; but ssl_key = <$ssl_key holds no private key the grader can open." \
      "ssl_key must name the PEM private key made with the certificate (openssl req -x509 -nodes -keyout ...); openssl pkey -in FILE -noout tells."
  elif [ "$key_pub" != "$cert_pub" ]; then
    fail tls-cert "$served; but the key in $ssl_key (ssl_key) is not that certificate's key." \
      "ssl_key must name the key made with the certificate, and dovecot serves the files it read at its start: compare openssl x509 -noout -pubkey -in CERT with openssl pkey -pubout -in KEY, then restart dovecot."
  elif [ -n "$made_before" ]; then
    fail tls-cert "$served; but its key was on server before the exam began, in $made_before." \
      "A key a package or the lab made is not yours: make a new pair for the server's names (openssl req -x509 with a new key), point ssl_cert and ssl_key at it, and restart dovecot."
  elif [ -n "$key_readers" ] || [ -n "$cert_readers" ]; then
    fail tls-cert "$served; but ${key_readers:-$cert_readers}." \
      "Whoever reads the private key can pretend to be the server, and dovecot reads it as root: keep it owned by root, mode 600 or 400, with no ACL (getfacl shows one)."
  else
    pass tls-cert "$served, the certificate in $ssl_cert; its key $ssl_key belongs to it, was made in this exam, and only root can read it (mode $key_mode, owner root)."
  fi
fi

# =====================================================================================================
# Desktop: null-client-relay and null-client-sendonly
# =====================================================================================================
d_ii=$(pf $D inet_interfaces)
{ read -r d_dest; read -r d_lt; read -r d_myorigin; read -r relayhost; } < <(
  pf_many $D -h mydestination local_transport myorigin relayhost)
d_myorigin_x=$(pf_many $D -xh myorigin)
d_note=$(pf_note $D)
dplog=$(daemon_log $D postfix | as_text)
d_probe_log=$(msg_lines "$dplog" "$probe_id")
d_relay_log=$(msg_lines "$dplog" "$desktop_id")
said_desktop=${MAILLAB_CLAIM_desktop_postfix:-unknown}
d_running=1
[ -n "$d_probe_log$d_relay_log" ] && d_running=0
d_fatal=$(grep -E ': (fatal|error|panic): ' <<<"$dplog" | tail -n1 | cut -c1-200)
d_down_seen="desktop's postfix did not take the check's messages (desktop reports postfix as '$said_desktop')${d_fatal:+; its log: $d_fatal}"
d_down_hint="A null client still runs postfix to send mail: start it and enable it on desktop (systemctl enable --now postfix). If it will not start, systemctl status postfix and journalctl -u postfix say why."
if [ $d_running -ne 0 ] && [ "$said_desktop" = active ] && [ -z "$d_fatal" ]; then
  d_down_seen="desktop reports its postfix as active, but desktop's postfix logged nothing for the check's two messages, submitted with sendmail"
  d_down_hint="Mail submitted on desktop must go through desktop's own postfix: sendmail (postfix's, as installed) hands each message to postfix, which relays it. Put postfix's sendmail back and let postfix do the sending."
fi
if [ $d_running -ne 0 ] && [ "$(postfix_outside_unit $D)" -gt 0 ]; then
  d_down_seen="desktop's postfix runs outside systemd (started by hand with postfix start?), so its log lines cannot be told from forged ones"
  d_down_hint="Let systemd run postfix, as on any RHEL host: postfix stop, then systemctl enable --now postfix."
fi
IFS=$US read -r _ _ _ m_return_path _ _ m_client_ip _ _ < <(
  awk -F"$US" -v path="$(evidence $S /var/spool/mail/student)" -v id="$desktop_id" \
    '$1 == path && $3 == id && $9 == "1"' <<<"$boxes" | head -n1
)
arrived=1
[ -n "$m_client_ip" ] && [ "$m_client_ip" = "$ip_desktop" ] && arrived=0
sender=$m_return_path
[ -n "$sender" ] ||
  sender=$(grep -E '^postfix/qmgr: ' <<<"$d_relay_log" | grep -oE 'from=<[^>]*>' | head -n1 | sed -E 's/from=<(.*)>/\1/')

# --- null-client-relay -----------------------------------------------------------------------------
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
  problem_hint="A null client hands every message to one relay host, the server (lesson 06): set relayhost to the server's name in square brackets."
elif [[ $rh_host != server.example.com && $rh_host != mail.example.com && $rh_host != "$ip_server" ]]; then
  problem="relayhost = $relayhost names a host that is not the lab's mail server"
  problem_hint="relayhost must name the server (server.example.com, or its other name mail.example.com): check the spelling."
elif [[ -n $rh_port && $rh_port != 25 && $rh_port != smtp ]]; then
  problem="relayhost = $relayhost relays to port $rh_port, where the server does not take mail"
  problem_hint="The server receives mail on the SMTP port, 25: drop the port from relayhost, or make it :25."
elif [ $bracketed -ne 0 ]; then
  problem="relayhost = $relayhost has no square brackets"
  problem_hint="Write the server's name in square brackets in relayhost: without them postfix looks up MX records for the name instead of connecting to that host."
fi
sent=$(grep -E "status=sent" <<<"$d_relay_log" | grep -F "[$ip_server]" | tail -n1)
stuck=$(grep -E "status=(deferred|bounced)" <<<"$d_relay_log" | tail -n1 | grep -oE '(relay=.*|status=.*)' | head -n1 | cut -c1-240)
if [ $arrived -eq 0 ]; then
  where="the check's message arrived in student's mailbox on server, received from desktop's address, with Return-Path <$sender>"
elif [ -n "$stuck" ]; then
  where="desktop's postfix could not pass the check's message on: $stuck"
else
  where="the check's message from desktop is not in student's mailbox on server"
fi
if [ $d_running -ne 0 ]; then
  fail null-client-relay "relayhost = ${relayhost:-(empty)}; $d_down_seen." "$d_down_hint"
elif [ -n "$problem" ]; then
  fail null-client-relay "$problem; $where." "$problem_hint"
elif [ $arrived -eq 0 ] && [ -z "$sent" ]; then
  fail null-client-relay "$where, but desktop's postfix log has no line saying it relayed it to the server." \
    "The message must leave desktop through desktop's own postfix (sendmail hands it to postfix, postfix relays it): use the real postfix tools."
elif [ $arrived -eq 0 ] && [[ ${sender,,} != *@example.com ]]; then
  fail null-client-relay "relayhost = $relayhost; $where; myorigin = $d_myorigin (expands to $d_myorigin_x)$d_note." \
    "Mail from a null client should look as if it came from the domain, not from the workstation: myorigin should name the domain (\$mydomain), then restart or reload postfix on desktop."
elif [ $arrived -eq 0 ]; then
  pass null-client-relay "relayhost = $relayhost; desktop's postfix relayed it to the server (${sent##*status=}), and $where."
elif [[ $stuck == *"Server configuration error"* ]]; then
  fail null-client-relay "relayhost = $relayhost, but $where." \
    "desktop's side works, but the server answered 451 Server configuration error: postfix on server cannot read one of its lookup tables. Build it with postmap (postmap /etc/postfix/access), then reload postfix on server."
elif [[ $stuck == *"No route to host"* || $stuck == *"Connection refused"* || $stuck == *"timed out"* ]]; then
  fail null-client-relay "relayhost = $relayhost, but $where." \
    "desktop's side is right, but the server does not take mail from other hosts yet: see the criterion about receiving mail (and desktop's queue: postqueue -f retries what waits once the server works)."
elif [ -n "$stuck" ]; then
  fail null-client-relay "relayhost = $relayhost, but $where." \
    "Read desktop's /var/log/maillog for this message: it names why the server could not be reached or refused it."
else
  claimed=""
  [ -n "$sent" ] && claimed=", although desktop's postfix says it was sent"
  fail null-client-relay "relayhost = $relayhost; $where$claimed." \
    "Follow the check's message in /var/log/maillog on desktop and on server (search for its queue ID) to see where it stopped."
fi

# --- null-client-sendonly ---------------------------------------------------------------------------
d_master=$(grep -E '^postfix/master: (daemon started|reload|warning: to change inet_interfaces)' <<<"$dplog" | tail -n 20)
d_restart_needed=1
# After its last start, did postfix say a reload could not change inet_interfaces?
awk '/^postfix\/master: daemon started/ {w = 0} /to change inet_interfaces/ {w = 1} END {exit !w}' <<<"$d_master" && d_restart_needed=0
dprobe=$(tcp_probe desktop.example.com 25)
case $(field 1 <<<"$dprobe") in
  connected) outside_seen="grader connected to desktop.example.com:25 ($(field 2 <<<"$dprobe"))" d_open=0 ;;
  refused) outside_seen="grader's connection to desktop.example.com:25 was refused" d_open=1 ;;
  timeout) outside_seen="grader's connection to desktop.example.com:25 timed out (desktop's firewall)" d_open=1 ;;
  *) outside_seen="grader could not connect to desktop.example.com:25 ($(field 2 <<<"$dprobe"))" d_open=1 ;;
esac
lt_ok=1
[[ ${d_lt,,} == error:* && ${d_lt,,} == *"local delivery disabled"* ]] && lt_ok=0
outcome=$(grep -oE 'status=.*' <<<"$d_probe_log" | tail -n1 | cut -c1-160)
probe_to="a probe to maillab-probe@[127.0.0.1] on desktop ended with '${outcome:-no log line}'"
# Where desktop's postfix listens, as master.cf and main.cf say together (pf_listens): a service
# named host:port binds that host whatever inet_interfaces says.
d_listens=$(pf_listens $D)
d_smtp=$(awk -F"$US" '$3 == "25" || tolower($3) == "smtp"' <<<"$d_listens")
d_wide="" d_wide_from=""
while IFS=$US read -r l_service l_addr _ l_how; do
  [ -n "$l_service" ] && ! loopback_address "$l_addr" && { d_wide+="${d_wide:+, }$l_service on $l_addr"; d_wide_from+=" $l_how"; }
done <<<"$d_listens"
d_listen_seen="inet_interfaces = $d_ii"
grep -q 'master.cf$' <<<"$d_listens" && d_listen_seen+=" and master.cf services $(awk -F"$US" '$4 == "master.cf" {printf "%s%s", s, $1; s=", "}' <<<"$d_listens")"
# A reload that changed inet_interfaces matters only to services that take their address from it.
grep -q 'inet_interfaces$' <<<"$d_listens" || d_restart_needed=1
if [ $d_running -ne 0 ]; then
  fail null-client-sendonly "inet_interfaces = ${d_ii:-?}; $d_down_seen." "$d_down_hint"
elif [ $d_open -eq 0 ] && [ -z "$d_wide" ] && grep -q 'inet_interfaces$' <<<"$d_smtp"; then
  fail null-client-sendonly "$outside_seen, although $d_listen_seen in desktop's configuration$d_note." \
    "main.cf is right but the running master process still has its old sockets: inet_interfaces is only read when postfix starts, so a reload is not enough: restart postfix on desktop."
elif [ $d_open -eq 0 ] && [ -z "$d_wide" ] && [ -n "$d_smtp" ]; then
  fail null-client-sendonly "$outside_seen, although $d_listen_seen in desktop's configuration$d_note." \
    "master.cf is right but the running master process has not read it yet: make postfix on desktop read its configuration again (reload or restart)."
elif [ -z "$d_smtp" ]; then
  fail null-client-sendonly "$outside_seen, but desktop's master.cf has no smtp inet service at all." \
    "Do not switch SMTP off on desktop: local programs submit mail on 127.0.0.1:25. Keep the smtp service and limit where it listens instead (lesson 06)."
elif [[ -n $d_wide && $d_wide_from == *master.cf* ]]; then
  fail null-client-sendonly "$outside_seen; $d_listen_seen$d_note: $d_wide is not a loopback address." \
    "A service line in master.cf that names its own address listens there whatever inet_interfaces says: on a send-only host every inet service listens on the loopback interface only."
elif [ $d_open -eq 0 ]; then
  fail null-client-sendonly "$outside_seen ($d_listen_seen)$d_note." \
    "A send-only host must not accept connections from other hosts: make postfix listen on the loopback interface only (inet_interfaces), then restart it."
elif [ -n "$d_wide" ]; then
  fail null-client-sendonly "$outside_seen, but postfix on desktop is told to listen on $d_wide$d_note: only desktop's firewall hides the port." \
    "A null client's postfix itself listens on the loopback interface only (inet_interfaces, lesson 06), whatever the firewall does; then restart it."
elif [ $d_restart_needed -eq 0 ]; then
  fail null-client-sendonly "inet_interfaces = $d_ii in desktop's main.cf, but postfix there logged after its last start: warning: to change inet_interfaces, stop and start Postfix." \
    "The running master process still listens where it did before: inet_interfaces is only read when postfix starts, so a reload is not enough: restart postfix on desktop."
elif [ -n "${d_dest//[[:space:],]/}" ]; then
  fail null-client-sendonly "mydestination on desktop is '$d_dest'$d_note, so desktop still delivers mail for those names itself." \
    "A null client is the final destination for no domain at all: look at mydestination on desktop (postconf -n shows what you set)."
elif [ $lt_ok -ne 0 ]; then
  fail null-client-sendonly "local_transport = ${d_lt:-(empty)}$d_note; $probe_to." \
    "On a null client anything addressed to desktop itself must fail with a clear error instead of landing in a mailbox there: which transport does local_transport name, and which one only returns an error?"
elif [[ $outcome != *"local delivery disabled"* ]]; then
  fail null-client-sendonly "main.cf says local_transport = $d_lt, but $probe_to." \
    "The running postfix on desktop does not use the new local_transport yet: make it read main.cf again (reload or restart)."
else
  pass null-client-sendonly "$d_listen_seen, every address a loopback one ($outside_seen); mydestination is empty; local_transport = $d_lt, and $probe_to$d_note."
fi

# =====================================================================================================
# firewall: server's firewalld filters, lets smtp, pop3s and imaps in now and after a reload
# =====================================================================================================
# A filtering firewall counts as firewalld's only while systemd's journal says firewalld runs.
fw=$(firewalld_filters $S "$(F px)" "$(F px_text)")
seenx=$(field 2 <<<"$fw")
filtering=1
[ "$(field 1 <<<"$fw")" = yes ] && filtering=0
blocked_ports=""
[ "$reach" = blocked ] && blocked_ports="25"
[ "$r995" = blocked ] && blocked_ports="$blocked_ports 995"
[ "$r993" = blocked ] && blocked_ports="$blocked_ports 993"
blocked_ports=${blocked_ports# }
perm=$(/usr/bin/python3 - "$(evidence $S /etc/firewalld)" "$(evidence $S /usr/lib/firewalld)" <<'PY'
import os, re, sys
etc, usr = sys.argv[1], sys.argv[2]
PORTS = {25: "smtp", 995: "pop3s", 993: "imaps"}
def out(*f):
    print("\x1f".join(str(x).replace("\n", " ").replace("\x1f", " ") for x in f))
try:
    from firewall.core.io.zone import zone_reader
    from firewall.core.io.service import service_reader
except Exception as err:
    out("error", "", f"the grader cannot read firewalld's files ({err})")
    sys.exit()
def find(kind, name):
    for base in (etc, usr):
        path = os.path.join(base, kind, name + ".xml")
        if os.path.isfile(path):
            return path
    return None
def read(kind, name):
    path = find(kind, name)
    if not path:
        return None
    reader = zone_reader if kind == "zones" else service_reader
    return reader(os.path.basename(path), os.path.dirname(path))
zone, where = "public", "the default zone"
conf = os.path.join(etc, "firewalld.conf")
if os.path.isfile(conf):
    for line in open(conf, errors="replace"):
        m = re.match(r"\s*DefaultZone\s*=\s*\"?([^\"\s]*)", line)
        if m and m.group(1):
            zone = m.group(1)
for base in (etc, usr):
    folder = os.path.join(base, "zones")
    for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
        if name.endswith(".xml"):
            try:
                z = zone_reader(name, folder)
            except Exception:
                continue
            if "eth0" in z.interfaces:
                zone, where = name[:-4], "the zone of server's interface eth0"
try:
    z = read("zones", zone)
except Exception as err:
    out("error", zone, f"firewalld cannot read zone {zone}: {err}")
    sys.exit()
if z is None:
    out("error", zone, f"{where} is {zone}, but there is no zone file {zone}.xml")
    sys.exit()
def covers(port, proto, want):
    if proto != "tcp":
        return False
    lo, _, hi = str(port).partition("-")
    try:
        return int(lo) <= want <= int(hi or lo)
    except ValueError:
        return False
allowed = set()
for name in z.services:
    try:
        s = read("services", name)
    except Exception:
        s = None
    for want in PORTS:
        if s and any(covers(p, proto, want) for p, proto in s.ports):
            allowed.add(want)
for want in PORTS:
    if any(covers(p, proto, want) for p, proto in z.ports):
        allowed.add(want)
    for rule in getattr(z, "rules_str", []) or []:
        if re.search(r"\baccept\b", rule) and (
            re.search(rf'service name="?{PORTS[want]}"?', rule) or re.search(rf'port port="?{want}"? protocol="?tcp"?', rule)
        ):
            allowed.add(want)
listed = f"services {' '.join(z.services) or '(none)'}, ports {' '.join(p + '/' + q for p, q in z.ports) or '(none)'}"
missing = [f"{PORTS[p]} ({p})" for p in PORTS if p not in allowed]
if z.target == "ACCEPT":
    out("accept-all", zone, f"{where}, {zone}, accepts every connection (target ACCEPT)")
elif not missing:
    out("allows", zone, f"{where}, {zone}, allows {listed}")
else:
    out("missing", zone, f"{where}, {zone}, allows {listed}: nothing for {', '.join(missing)}")
PY
)
perm_state=$(field 1 <<<"$perm")
perm_seen=$(field 3 <<<"$perm")
[ -n "$perm_state" ] || perm_state=error perm_seen="the grader could not read firewalld's saved configuration"
copy=${MAILLAB_COPY_server:-}
linked() { [[ $copy == *"multi-user.target.wants/$1.service: a symbolic link"* ]]; }
fw_masked=1
[[ $copy == *"etc/systemd/system/firewalld.service: a symbolic link"* ]] && fw_masked=0
if [ $filtering -ne 0 ]; then
  fail firewall "$seenx; $perm_seen." \
    "Switching the firewall off (or a zone that accepts everything) opens every port, not only the mail services: keep firewalld running and enabled with RHEL's public zone, and allow only the services you need."
elif [ -n "$blocked_ports" ] && [ "$perm_state" = allows ]; then
  fail firewall "The running firewall rejects the grader's connections to port(s) $blocked_ports, although in its saved configuration $perm_seen." \
    "The saved (--permanent) configuration allows them, but the running firewall does not: --permanent changes only what firewalld loads next time. Load it now with firewall-cmd --reload."
elif [ -n "$blocked_ports" ]; then
  fail firewall "The firewall rejects the grader's connections to port(s) $blocked_ports; in its saved configuration $perm_seen." \
    "firewalld on server lets in only the services its zone allows: add smtp, pop3s and imaps (firewall-cmd --add-service), both now and with --permanent."
elif [ "$perm_state" = accept-all ]; then
  fail firewall "In firewalld's saved configuration $perm_seen." \
    "After a reload or a reboot the firewall would let everything in: keep a zone that rejects what it does not allow (public) and allow only the services you need, with --permanent."
elif [ "$perm_state" = missing ]; then
  fail firewall "The running firewall lets SMTP, POP3S and IMAPS through, but in its saved configuration $perm_seen: the next firewall-cmd --reload or reboot closes them again." \
    "A firewall-cmd change without --permanent lasts only until firewalld reloads: add the services to the permanent configuration too (firewall-cmd --permanent ..., or firewall-cmd --runtime-to-permanent)."
elif [ "$perm_state" != allows ]; then
  fail firewall "$perm_seen." \
    "firewalld must be able to load its saved configuration: firewall-cmd --check-config names the broken file; firewall-cmd --permanent --list-all shows what it would load."
elif [ $fw_masked -eq 0 ] || ! linked firewalld; then
  fail firewall "In the saved configuration $perm_seen, but firewalld is $([ $fw_masked -eq 0 ] && echo masked || echo 'not enabled') on server, so after a reboot no firewall runs." \
    "The firewall belongs to the permanent setup as much as its zone: systemctl unmask firewalld if needed, then systemctl enable --now firewalld."
else
  pass firewall "$seenx; it lets 25, 995 and 993 in now; in its saved configuration $perm_seen, and it is enabled at boot."
fi

# =====================================================================================================
# boot: the mail services start at boot (unit links, which the engine names instead of copying)
# =====================================================================================================
# The wants link says "enabled"; a mask in /etc or /run (systemctl mask leaves the wants link in
# place, measured) says the unit will not start at all (unit_boot_state, from the copy's unit paths).
not_enabled="" masked="" masked_where=""
for target in "$S postfix" "$S dovecot" "$S saslauthd" "$D postfix"; do
  read -r h unit <<<"$target"
  state=$(unit_boot_state "$h" "$unit")
  case $(field 1 <<<"$state") in
    enabled) ;;
    masked) masked+="${masked:+, }$unit on $h" masked_where+="${masked_where:+; }$(field 2 <<<"$state") on $h" ;;
    *) not_enabled+="${not_enabled:+, }$unit on $h" ;;
  esac
done
if [ -z "$not_enabled$masked" ]; then
  pass boot "postfix, dovecot and saslauthd are enabled on server, and postfix on desktop: they start at boot."
elif [ -n "$masked" ]; then
  fail boot "Masked: $masked ($masked_where)${not_enabled:+; not enabled (no link in multi-user.target.wants): $not_enabled}." \
    "A masked unit never starts, at boot or by hand, however it is enabled: unmask it (systemctl unmask UNIT), then systemctl enable --now UNIT."
else
  fail boot "Not enabled (no link in multi-user.target.wants): $not_enabled." \
    "systemctl start runs a service only until the next reboot: enable every service the mail system needs (systemctl enable --now UNIT), so that it comes back after a restart of the host."
fi
rm -rf "$work"
