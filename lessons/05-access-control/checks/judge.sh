# Access check, part 3, on the grader: judged from what the grader itself saw on the network (its own
# SMTP conversation, grader-talk.sh's facts), from what the engine copied from server (/etc/postfix with
# the access table and its .db, the journal, student's mailbox), and from the grader's own postconf and
# postmap run over those copies. Desktop's word (MAILLAB_CLAIM_*) only ever appears in messages.
S=server
SN=server.example.com
MAP=/etc/postfix/access
ip_server=$(ip_of server)
ip_desktop=$(ip_of desktop)
ip_grader=$(ip_of grader)
tok="dk${MAILLAB_NONCE#ml}"
t0=${MAILLAB_FACT_t0:-0}
connect_code=${MAILLAB_FACT_connect_code:-} connect_text=${MAILLAB_FACT_connect_text:-}
talk_error=${MAILLAB_FACT_talk_error:-}
rcpt_code=${MAILLAB_FACT_rcpt_code:-} rcpt_text=${MAILLAB_FACT_rcpt_text:-}
data_code=${MAILLAB_FACT_data_code:-} data_text=${MAILLAB_FACT_data_text:-}
desktop_ran=${MAILLAB_CLAIM_desktop_swaks:-}
desktop_reply=${MAILLAB_CLAIM_desktop_reply:-}
conf=$(evidence $S /etc/postfix)
US=$'\x1f'

# --- server's postfix, as the grader's postconf reads the copied /etc/postfix ---------------------
scr=$(pf $S smtpd_client_restrictions)
scr_x=$(pfx $S smtpd_client_restrictions)
# $config_directory expands to the copy the grader reads: show (and match) server's own path.
scr_x=${scr_x//"$conf"//etc/postfix}
parent_style=$(pf $S parent_domain_matches_subdomains)

# The check_client_access entries of a restriction list: "index<US>table" per entry, and the words
# before the first one (a permit or reject there decides before the table is asked).
words_of() { local v=${1//,/ }; tr -s ' \t' '\n\n' <<<"$v" | grep -v '^$'; }
mapfile -t scr_words < <(words_of "$scr_x")
table="" table_index=-1
for i in "${!scr_words[@]}"; do
  [ "${scr_words[$i],,}" = check_client_access ] || continue
  t=${scr_words[$((i + 1))]:-}
  if [ -z "$table" ] || [[ $(tr -s / <<<"${t#*:}") == "$MAP" ]]; then table=$t table_index=$i; fi
done
table_type="" table_path=$table
[[ $table == *:* ]] && table_type=${table%%:*} table_path=${table#*:}
table_path=$(tr -s / <<<"$table_path")
table_path=${table_path%/}
blocker=""
for ((i = 0; i < table_index; i++)); do
  case ${scr_words[$i],,} in permit | reject | defer) blocker=${scr_words[$i]} && break ;; esac
done
elsewhere=""
for list in smtpd_recipient_restrictions smtpd_relay_restrictions smtpd_sender_restrictions smtpd_helo_restrictions smtpd_data_restrictions; do
  [[ $(pfx $S $list | tr 'A-Z' 'a-z') == *check_client_access* ]] && elsewhere="${elsewhere:+$elsewhere, }$list"
done
note=$(pf_note $S)

# --- postfix's own log lines (journald's trusted fields) ------------------------------------------
plog=$(daemon_log $S postfix)
# smtpd lines written since the check began: "message<US>µs"
recent=$(awk -F"$US" -v t0="$t0" '$1 == "postfix/smtpd" && $3 >= t0 {print $2}' <<<"$plog")
esc_ip() { sed 's/\./\\./g' <<<"$1"; }
re_d=$(esc_ip "$ip_desktop") re_g=$(esc_ip "$ip_grader")
# The client name postfix gave each host (its reverse lookup): check_client_access looks it up too.
name_of() { awk -F"$US" '$1 == "postfix/smtpd" {print $2}' <<<"$plog" | sed -nE "s/^connect from ([^[]+)\[$2\]\$/\1/p" | tail -n1; }
name_desktop=$(name_of desktop "$re_d")
name_grader=$(name_of grader "$re_g")
[ -n "$name_desktop" ] || name_desktop=desktop.example.com
[ -n "$name_grader" ] || name_grader=grader.example.com
d_connected=$(grep -E "^connect from [^[]*\[$re_d\]\$" <<<"$recent" | tail -n1)
d_reject=$(grep -E "^NOQUEUE: reject: RCPT from [^[]*\[$re_d\]: " <<<"$recent" | grep -F "from=<$tok@desktop.example.com>" | tail -n1)
d_reply=$(sed -E 's/^NOQUEUE: reject: RCPT from [^:]*: //; s/; from=<.*$//' <<<"$d_reject")
d_code=${d_reply%% *}
d_taken=$(log_text $S postfix "<$tok@maillab.invalid>" | head -n1)
d_status=$(log_text $S postfix "<$tok@maillab.invalid>" | grep -oE 'status=.*' | tail -n1 | cut -c1-160)
unavailable=$(grep -E "warning: [a-z]+:$MAP is unavailable" <<<"$recent" | tail -n1 | sed 's/^warning: //' | cut -c1-200)
master_last=$(awk -F"$US" '$1 == "postfix/master" {print $2}' <<<"$plog" | grep -E '^(daemon started|reload|terminating)' | tail -n1)
fatal=$(postfix_fatal $S)
outside=$(postfix_outside_unit $S)
running=1
[[ $master_last == *"daemon started"* || $master_last == *"reload --"* ]] && running=0

# --- student's mailbox: the grader's message and desktop's, if either arrived ----------------------
mbox=$(evidence $S /var/spool/mail/student)
IFS=$US read -r _ _ _ _ _ g_qid g_client _ g_has < <(
  mbox_messages --needle "$MAILLAB_NONCE" "$mbox" | awk -F"$US" '$9 == "1"' | tail -n1
)
d_in_mbox=$(mbox_messages --needle "$tok" "$mbox" | awk -F"$US" '$9 == "1"' | tail -n1)

# --- the access table: the copied file, its copied .db, and a .db the grader builds from the file ---
map_type=hash
case ${table_type,,} in hash | btree) [ "$table_path" = "$MAP" ] && map_type=${table_type,,} ;; esac
src=$conf/access
work=$(mktemp -d)
cp "$src" "$work/access" 2>/dev/null
built_warn=$(/usr/sbin/postmap "$map_type:$work/access" 2>&1 | sed -E 's#^(/usr/sbin/)?postmap: (warning: )?##' | sed "s#$work/##g" | head -n2 | paste -sd';')
listing() { /usr/sbin/postmap -s "$map_type:$1" 2>/dev/null | sort; }
if [ ! -f "$src" ]; then
  map_state=nofile
elif [ ! -f "$src.db" ]; then
  map_state=nodb
elif ! /usr/sbin/postmap -s "$map_type:$src" >/dev/null 2>&1; then
  map_state=unreadable
elif [ "$(listing "$src")" != "$(listing "$work/access")" ]; then
  map_state=stale
else
  map_state=fresh
fi
count_entries() { local n; n=$(grep -c .); [ "$n" = 1 ] && echo "1 entry" || echo "$n entries"; }
entries=$(listing "$work/access" | count_entries)
stored_entries=$(listing "$src" | count_entries)
older=""
[ -f "$src.db" ] && [ -f "$src" ] && [ "$src.db" -ot "$src" ] && older=" (access.db is older than access)"
built_note=""
[ -n "$built_warn" ] && built_note=" (postmap warns: $built_warn)"

# first_hit MAP NAME ADDRESS: the entry smtpd's check_client_access would use for a client, in its
# order: the client name and its parent domains, then the address and its parent networks (whole
# octets). Prints "key<US>value<US>class"; class is ok, reject, defer, dunno or other.
keys_for() {
  local name=${1,,} addr=$2 rest
  if [ -n "$name" ] && [ "$name" != unknown ]; then
    printf '%s\n' "$name"
    rest=$name
    while [[ $rest == *.* ]]; do
      rest=${rest#*.}
      if [[ ${parent_style,,} == *smtpd_access_maps* ]]; then printf '%s\n' "$rest"; else printf '.%s\n' "$rest"; fi
    done
  fi
  rest=$addr
  while [ -n "$rest" ]; do
    printf '%s\n' "$rest"
    [[ $rest == *.* ]] || break
    rest=${rest%.*}
  done
}
classify() {
  local v=${1,,}
  case $v in
    ok | permit | ok\ * | permit\ *) echo ok ;;
    reject | reject\ * | 5[0-9][0-9] | 5[0-9][0-9]\ *) echo reject ;;
    defer* | 4[0-9][0-9] | 4[0-9][0-9]\ *) echo defer ;;
    dunno) echo dunno ;;
    *) [[ $v =~ ^[0-9]+$ ]] && echo ok || echo other ;;
  esac
}
first_hit() {
  local map=$1 k v
  [ -f "$map.db" ] || return 1
  while read -r k; do
    v=$(/usr/sbin/postmap -q "$k" "$map_type:$map" 2>/dev/null) || continue
    printf '%s\x1f%s\x1f%s\n' "$k" "$v" "$(classify "$v")"
    return 0
  done < <(keys_for "$2" "$3")
  return 1
}
is_address_key() { [[ $1 =~ ^[0-9]+(\.[0-9]+){0,3}$ ]]; }
# What the server's own access.db (what postfix reads) says about desktop, and what the table as
# written (a .db freshly built from the copied file) says about desktop and about the grader.
IFS=$US read -r dk dv dclass < <(first_hit "$src" "$name_desktop" "$ip_desktop")
IFS=$US read -r wk wv wclass < <(first_hit "$work/access" "$name_desktop" "$ip_desktop")
IFS=$US read -r gk gv gclass < <(first_hit "$work/access" "$name_grader" "$ip_grader")
src_keys=$(listing "$work/access" | awk '{print $1}')
cidr_key=$(grep -E '/|\*' <<<"$src_keys" | head -n1)
server_key=$(grep -xE "$(esc_ip "$ip_server")|server\.example\.com|mail\.example\.com" <<<"$src_keys" | head -n1)

# Shared sentences.
down_seen="postfix on server is not running${fatal:+ (its log: $fatal)}"
down_hint="Start postfix on server (systemctl enable --now postfix); if it will not start, systemctl status postfix and journalctl -u postfix say why."
if [ "${outside:-0}" -gt 0 ]; then
  down_seen="postfix on server runs outside systemd (started by hand with postfix start?), so its log lines cannot be told from forged ones"
  down_hint="Let systemd run postfix, as on any RHEL host: postfix stop, then systemctl enable --now postfix, and reload it with systemctl reload postfix from then on."
fi
noconv_seen="the grader could not hold an SMTP conversation with $SN:25 (${connect_text:-$talk_error})"
noconv_hint="Check talks to the server from other hosts, so postfix must run on server and port 25 must be reachable, as lesson 03 left it (inet_interfaces, the firewall's smtp service)."
if [ $running -ne 0 ]; then
  noconv_seen="$noconv_seen; $down_seen"
  noconv_hint=$down_hint
fi
postmap_hint="postfix never reads /etc/postfix/access itself, only the indexed file postmap builds from it (access.db): run postmap /etc/postfix/access after every change. postfix.service rebuilds aliases.db when it starts, never access.db."
unavailable_hint="postfix could not open the table that smtpd_client_restrictions names, so it answers every client with a temporary 4xx error: build the table with postmap /etc/postfix/access. An smtpd process that already failed to open it keeps failing until it ends: reload postfix after postmap."
cidr_hint="A hash table matches whole keys: '$cidr_key' is taken literally and never matches a client. Write a network as its leading whole octets, as the notes do (192.168.0 OK), not in CIDR notation or with wildcards."
reject_is_config="${rcpt_text:-}${d_reply:-}"

# --- restriction-configured -----------------------------------------------------------------------
scr_seen="smtpd_client_restrictions = ${scr:-(empty)}"
[ "$scr_x" != "$scr" ] && scr_seen="$scr_seen (expands to $scr_x)"
if [ -n "$table" ] && [ "$table_path" = "$MAP" ] && [[ ${table_type,,} == hash || ${table_type,,} == btree ]]; then
  if [ -n "$blocker" ]; then
    fail restriction-configured "$scr_seen$note: '$blocker' comes before check_client_access and decides for every client, so the table is never asked." \
      "Restrictions are tried in the order written and the first one that decides wins: put check_client_access before any permit or reject that matches every client."
  else
    pass restriction-configured "$scr_seen$note: every client is looked up in $table."
  fi
elif [ -n "$table" ] && [ "$table_path" = "$MAP.db" ]; then
  fail restriction-configured "$scr_seen$note: the table is named by its .db file." \
    "Name the table by its source file, type:/etc/postfix/access: postfix adds .db itself (it would look for access.db.db)."
elif [ -n "$table" ] && [ "$table_path" = "$MAP" ] && [ -z "$table_type" ]; then
  fail restriction-configured "$scr_seen$note: the table has no type." \
    "A lookup table is named type:name; the notes' table is an indexed hash table built by postmap: hash:/etc/postfix/access."
elif [ -n "$table" ] && [ "$table_path" = "$MAP" ]; then
  fail restriction-configured "$scr_seen$note: the table is of type '$table_type'." \
    "This lesson uses the notes' indexed table, hash:/etc/postfix/access, which postmap builds into access.db (postconf -m lists the types this postfix can read)."
elif [ -n "$table" ]; then
  fail restriction-configured "$scr_seen$note: check_client_access asks $table, not $MAP." \
    "The access table of this lesson is /etc/postfix/access: check the path after check_client_access (hash:/etc/postfix/access)."
elif [ -n "$elsewhere" ]; then
  fail restriction-configured "$scr_seen$note; check_client_access is in $elsewhere instead." \
    "A client check belongs in the list for the client stage, smtpd_client_restrictions, as in the notes: that is what this exercise asks (postfix evaluates it at RCPT time anyway, since smtpd_delay_reject = yes)."
else
  fail restriction-configured "$scr_seen$note: no client is looked up in a table." \
    "Postfix checks clients only if smtpd_client_restrictions asks it to: add the notes' check_client_access with the table, type:/etc/postfix/access, then reload postfix."
fi

# --- map-fresh ------------------------------------------------------------------------------------
desktop_is="desktop ($name_desktop[$ip_desktop])"
if [ "$map_state" = nofile ]; then
  fail map-fresh "There is no $MAP on server." \
    "Write the access table: one line per client, its address (or its network, as whole octets) and the action (OK, REJECT); then build it with postmap."
elif [ "$map_state" = nodb ]; then
  fail map-fresh "$MAP exists ($entries) but there is no access.db beside it$built_note." "$postmap_hint"
elif [ "$map_state" = unreadable ]; then
  fail map-fresh "$MAP.db exists but is no $map_type table the grader's postmap can read." \
    "Rebuild it with postmap /etc/postfix/access (the type in smtpd_client_restrictions and the one postmap builds must match: hash is the default)."
elif [ "$map_state" = stale ]; then
  fail map-fresh "access.db does not hold what $MAP says: the file has $entries, access.db $stored_entries, and they differ$older$built_note." "$postmap_hint"
elif [ "$dclass" = reject ]; then
  pass map-fresh "access.db matches $MAP ($entries)$built_note; for $desktop_is it answers '$dk $dv'."
else
  found="nothing in it matches $desktop_is"
  [ -n "$dk" ] && found="for $desktop_is the first entry that matches is '$dk $dv'"
  if [ -n "$server_key" ]; then
    hint="The table names server itself ($server_key): the client to shut out is desktop. Find desktop's address on desktop (ip addr) or with getent ahostsv4 desktop.example.com, then postmap."
  elif [ -n "$cidr_key" ] && [ -z "$dk" ]; then
    hint=$cidr_hint
  elif [ "$dclass" = ok ]; then
    hint="That entry lets desktop in, since no more specific entry names it: add a line for desktop's own address with REJECT (the most specific entry wins, whatever the order of the lines), then postmap."
  elif [ "$dclass" = defer ]; then
    hint="That action refuses only for now (4xx), so desktop would keep retrying: REJECT refuses for good (5xx)."
  else
    hint="Add a line for desktop's address with the action REJECT (getent ahostsv4 desktop.example.com prints it), then postmap."
  fi
  fail map-fresh "access.db matches $MAP ($entries)$built_note, but $found." "$hint"
fi

# --- client-rejected ------------------------------------------------------------------------------
said_desktop="desktop itself saw: ${desktop_reply:-nothing}"
if [ -z "$desktop_ran" ]; then
  fail client-rejected "The check's step on desktop did not report: its message was not sent." \
    "Check sends its message from desktop with swaks: keep swaks working on desktop, and press Check again."
elif [[ $connect_code != 2* ]] && [ -z "$d_connected" ]; then
  fail client-rejected "Neither desktop nor the grader reached postfix on $SN:25 ($said_desktop); $noconv_seen." \
    "$noconv_hint"
elif [ -z "$d_connected" ] && [ -z "$d_reject" ] && [ -z "$d_taken" ] && [[ $desktop_reply == [0-9][0-9][0-9]* ]]; then
  fail client-rejected "desktop reports the reply '$desktop_reply', but server's postfix saw no connection from desktop's address ($ip_desktop) during this check: that answer did not come from server." \
    "The server must do the refusing: configure server's postfix (its main.cf and its /etc/postfix/access), and leave desktop's name resolution alone."
elif [ -z "$d_connected" ] && [ -z "$d_reject" ] && [ -z "$d_taken" ]; then
  fail client-rejected "desktop's connection never reached postfix: server's log has no connect from $ip_desktop during this check, while the grader got through ($said_desktop)." \
    "Something between desktop and postfix stops it (a firewall rule?). Refusing desktop in the firewall is not what the exercise asks: postfix itself must answer desktop with a 5xx at RCPT (check_client_access), so that the client learns why."
elif [[ $d_code == 5* && $d_reply == *"Client host rejected"* ]] && [ -z "$d_in_mbox" ]; then
  pass client-rejected "desktop's RCPT TO:<student@example.com> got '$d_reply' from server's postfix, and its message is not in student's mailbox."
elif [[ $d_code == 4* && ($d_reply == *"Server configuration error"* || -n $unavailable) ]]; then
  fail client-rejected "desktop got '$d_reply', a temporary refusal: ${unavailable:-postfix could not read its table}." "$unavailable_hint"
elif [[ $d_code == 4* && $d_reply == *"Relay access denied"* ]]; then
  fail client-rejected "desktop got '$d_reply': server does not receive mail for example.com." \
    "Lesson 03's work is undone: the server must accept example.com as its own (mydestination) before a client can be refused in particular."
elif [[ $d_code == 4* ]]; then
  fail client-rejected "desktop got '$d_reply': a temporary refusal (4xx), so its server would keep retrying." \
    "REJECT refuses for good, with a 5xx code: use it for desktop in the access table (a 4xx action or DEFER only postpones)."
elif [[ $d_code == 5* ]]; then
  fail client-rejected "desktop got '$d_reply': refused, but not as a client (not 'Client host rejected')." \
    "Check wants desktop refused for who it is, by check_client_access in smtpd_client_restrictions, not for its sender, recipient or HELO name."
elif [ -n "$d_taken" ] || [ -n "$d_in_mbox" ]; then
  took="server's postfix accepted desktop's message"
  [ -n "$d_in_mbox" ] && took="$took and it is in student's mailbox"
  [ -z "$d_in_mbox" ] && [ -n "$d_status" ] && took="$took ($d_status)"
  if [ -z "$table" ] || [ "$table_path" != "$MAP" ]; then
    fail client-rejected "$took: $scr_seen." \
      "Postfix only refuses clients that a restriction list refuses: smtpd_client_restrictions must look clients up in the access table (see the criterion about it)."
  elif [ -n "$blocker" ]; then
    fail client-rejected "$took: '$blocker' decides before check_client_access in smtpd_client_restrictions." \
      "The first restriction that decides wins: put check_client_access before any permit that matches every client."
  elif [ "$map_state" != fresh ]; then
    case $map_state in
      nofile) state="there is no $MAP" ;;
      nodb) state="there is no access.db" ;;
      *) state="access.db does not hold what access says$older" ;;
    esac
    fail client-rejected "$took: $state." \
      "$postmap_hint"
  elif [ "$dclass" != reject ]; then
    match="no entry matches"
    [ -n "$dk" ] && match="the first entry that matches is '$dk $dv'"
    fail client-rejected "$took: the table does not refuse $desktop_is ($match)." \
      "The access table must refuse desktop: a line with desktop's address and REJECT (see the criterion about the table)."
  else
    last=""
    [ -n "$master_last" ] && last=" postfix last logged: '$master_last'."
    fail client-rejected "$took, although smtpd_client_restrictions and access.db would refuse $desktop_is ('$dk $dv').$last" \
      "main.cf and the table are right, but the running postfix still works with its old settings: reload postfix (systemctl reload postfix) after changing main.cf."
  fi
else
  fail client-rejected "desktop connected to postfix, but server's log shows neither a refusal at RCPT nor its message ($said_desktop)." \
    "Read server's /var/log/maillog for desktop's connection (grep for its address) to see how the conversation ended."
fi

# --- who else may hand the server mail: the copy asked as other clients of the lab network --------
# Lesson 05 lets the lab network in and shuts desktop out. The grader's own message proved only that
# the prober got in: a rule keyed on what only the prober does (measured: smtpd_helo_restrictions
# that let the probe's HELO pattern in and reject every other HELO) refused every other host of the
# network and passed. So the copied configuration is asked, as other addresses of the lab network,
# with an ordinary sender and a HELO of their own, whether it takes mail for a local user.

# access_policy HOST RCPT: the clients of the class `other` (free addresses of the lab network) that
# postfix on HOST, as its copied configuration stands, refuses at RCPT TO:<RCPT>: one line per such
# address, "other<US>address<US>reply", then one line "outside<US>address<US>accepted|refused" per
# outside address (for messages: lessons may leave the outside to the student). Status 2 when the
# configuration could not be evaluated (the reason on stdout).
access_policy() {
  local host=$1 rcpt=$2 cls addr verdict reply errors="" answered=0 outside=""
  declare -A class_of=()
  local -a addrs=()
  while IFS=$'\x1f' read -r cls addr; do
    case $cls in other | outside) class_of[$addr]=$cls && addrs+=("$addr") ;; esac
  done < <(policy_addresses)
  while IFS=$'\x1f' read -r addr verdict reply; do
    answered=$((answered + 1))
    cls=${class_of[$addr]:-other}
    if [ "$verdict" = error ]; then errors=$reply; continue; fi
    if [ "$cls" = outside ]; then
      outside+="outside"$'\x1f'"$addr"$'\x1f'"$([ "$verdict" = relays ] && echo accepted || echo refused)"$'\n'
    elif [ "$verdict" != relays ]; then
      printf 'other\x1f%s\x1f%s\n' "$addr" "$reply"
    fi
  done < <(MAILLAB_POLICY_FROM="user$(shuf -i 100-999 -n1)@example.org" MAILLAB_POLICY_RCPT=$rcpt \
    MAILLAB_POLICY_HELO="ws$(shuf -i 100-999 -n1).example.org" pf_relay_for "$host" "${addrs[@]}")
  [ "$answered" -ge "${#addrs[@]}" ] || errors=${errors:-"no answer from the grader's postfix"}
  if [ -n "$errors" ]; then printf '%s\n' "$errors"; return 2; fi
  printf '%s' "$outside"
}

# access_verdict CRITERION HOST RCPT OBSERVED: the verdict of a "the lab network may send" criterion
# whose behaviour (OBSERVED, a sentence) already passed: pass, unless HOST's copied configuration
# refuses mail for RCPT from another host of the lab network (access_policy).
access_verdict() {
  local criterion=$1 host=$2 rcpt=$3 observed=$4 out rc cls addr reply outside_said
  out=$(access_policy "$host" "$rcpt")
  rc=$?
  if [ $rc -eq 2 ]; then
    fail "$criterion" "$observed But the grader's postfix could not be loaded with a copy of $host's configuration to ask it about other clients: $(head -n1 <<<"$out")." \
      "Keep postfix's configuration and every table it reads under /etc/postfix, where the check reads it, and make sure postfix starts with it."
    return
  fi
  outside_said=$(awk -F'\x1f' '$1 == "outside" {print $3}' <<<"$out" | sort -u | paste -sd/)
  IFS=$'\x1f' read -r cls addr reply <<<"$(grep -m1 '^other' <<<"$out")"
  if [ -z "$addr" ]; then
    pass "$criterion" "$observed The grader's postfix, loaded with a copy of $host's configuration, takes mail for $rcpt from other hosts of the lab network too (clients outside it: ${outside_said:-not asked})."
    return
  fi
  fail "$criterion" "$observed Yet as $host's configuration stands, another host of the lab network ($addr) would be refused: the grader's postfix, loaded with a copy of it and asked as that client, answered $reply." \
    "Only the connections you saw are let in. Every host of the lab network but desktop must be able to hand the server mail, however it greets and whoever sends: look at every restriction list, not only the access table."
}

# --- others-accepted ------------------------------------------------------------------------------
qid=$(grep -oE 'queued as [0-9A-Za-z]+' <<<"$data_text" | awk '{print $3}')
delivered=1
[ "$g_has" = 1 ] && [ -n "$qid" ] && [ "$g_qid" = "$qid" ] && [ "$g_client" = "$ip_grader" ] && delivered=0
# ... and by postfix itself: its smtpd took that queue ID from the grader and its local delivery wrote
# it (trusted lines). A program answering on port 25 in postfix's place writes a mailbox just as well.
g_by_postfix=0
if [ $delivered -eq 0 ] && { [ "$(smtpd_took $S "$ip_grader" "<$MAILLAB_NONCE.smtp@maillab.invalid>")" != "$qid" ] ||
  ! log_text $S postfix "<$MAILLAB_NONCE.smtp@maillab.invalid>" | grep -qE "^postfix/local: $qid: .*status=sent "; }; then
  g_by_postfix=1
fi
grader_is="the grader ($name_grader[$ip_grader], a client on the lab network)"
listed="the table answers '$gk $gv' for it"
if [[ $connect_code != 2* ]]; then
  fail others-accepted "$noconv_seen." "$noconv_hint"
elif [ -z "$rcpt_code" ]; then
  fail others-accepted "$noconv_seen: ${talk_error:-no reply to RCPT TO}." "$noconv_hint"
elif [[ $rcpt_code == 4* && ($rcpt_text == *"Server configuration error"* || -n $unavailable) ]]; then
  fail others-accepted "RCPT TO:<student@example.com> from $grader_is got $rcpt_code $rcpt_text: ${unavailable:-postfix could not read its table}." "$unavailable_hint"
elif [[ $rcpt_text == *"Client host rejected"* ]]; then
  why=""
  [ -n "$gk" ] && why="; the first entry that matches it is '$gk $gv'"
  fail others-accepted "RCPT TO:<student@example.com> from $grader_is got $rcpt_code $rcpt_text$why." \
    "The table refuses more than desktop: a REJECT for a network (or a domain) refuses every client in it. Refuse desktop by its own address only, and let the network it belongs to in with OK."
elif [[ $rcpt_text == *"Relay access denied"* ]]; then
  fail others-accepted "RCPT TO:<student@example.com> from $grader_is got $rcpt_code $rcpt_text: server does not receive mail for example.com." \
    "Lesson 03's work is undone: the server must accept example.com as its own (mydestination) before a client can be refused in particular."
elif [[ $rcpt_code != 2* ]]; then
  fail others-accepted "RCPT TO:<student@example.com> from $grader_is got $rcpt_code $rcpt_text." \
    "Read server's /var/log/maillog for the grader's connection (the NOQUEUE: reject line) to see which restriction refused it."
elif [[ $data_code != 2* ]] || [ -z "$qid" ]; then
  fail others-accepted "server accepted the grader's recipient but not its message: ${data_code:-no reply} ${data_text:-$talk_error}." \
    "Read server's /var/log/maillog for the grader's connection to see why the message itself was refused."
elif [ $g_by_postfix -ne 0 ]; then
  fail others-accepted "The grader's message (queued as $qid) is in student's mailbox, but server's postfix did not log both taking it from the grader and delivering it." \
    "Only postfix counts: its smtpd, under systemd, must take the mail on port 25 (ss -ltnp on server shows which program holds it) and its local delivery write the mailbox."
elif [ $delivered -ne 0 ]; then
  outcome=$(log_text $S postfix "<$MAILLAB_NONCE.smtp@maillab.invalid>" | grep -oE 'status=.*' | tail -n1 | cut -c1-160)
  fail others-accepted "server took the grader's message (queued as $qid), but it is not in student's mailbox; postfix logged: ${outcome:-no delivery line}." \
    "Follow queue ID $qid in server's /var/log/maillog: the line with status= says where the message went."
elif [ "$map_state" = nofile ]; then
  fail others-accepted "The grader got $rcpt_code and its message arrived, but there is no $MAP listing the network." \
    "Write the access table with the notes' line that lets a network in: the network's leading whole octets and OK (see ip addr on server), next to desktop's REJECT."
elif [ "$gclass" = ok ] && is_address_key "$gk"; then
  # The grader is one client of the network; the copied configuration must take the rest of it too.
  access_verdict others-accepted $S student@example.com "RCPT TO:<student@example.com> from $grader_is got $rcpt_code, and its message (queued as $qid) arrived in student's mailbox; $listed."
elif [ "$gclass" = ok ]; then
  fail others-accepted "The grader got $rcpt_code and its message arrived, but the table lets it in by name ('$gk $gv'), not as a member of the lab network." \
    "List the network by its address, as the notes do (192.168.0 OK): the leading whole octets of the lab network (see ip addr on server) and OK."
elif [ -n "$cidr_key" ]; then
  fail others-accepted "The grader got $rcpt_code and its message arrived, but no entry of $MAP matches it (the table has '$cidr_key')." "$cidr_hint"
else
  first=""
  [ -n "$gk" ] && first=" (for the grader the first match is '$gk $gv')"
  fail others-accepted "The grader got $rcpt_code and its message arrived, but no line of $MAP lists the lab network with OK$first." \
    "Add the notes' line that lets a network in: the lab network's leading whole octets (see ip addr on server) and OK, then postmap."
fi
rm -rf "$work"
