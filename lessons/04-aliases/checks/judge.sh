# Aliases check, part 2, on the grader: judged from what the grader itself saw over SMTP (grader-talk.sh's
# facts) and from what the engine copied from server: /etc/aliases and /etc/aliases.db (read by the
# grader's own postalias, with their modification times), /etc/postfix, /etc/passwd, the mailboxes of
# jerry, kelly and li, and server's journal (only lines postfix's own daemons wrote). Server's word
# never decides anything here.
S=server
ip_grader=$(ip_of grader)
msgid="<$MAILLAB_NONCE.smtp@maillab.invalid>"
work=$(mktemp -d)

connect_code=${MAILLAB_FACT_connect_code:-} connect_text=${MAILLAB_FACT_connect_text:-}
talk_error=${MAILLAB_FACT_talk_error:-}
data_code=${MAILLAB_FACT_data_code:-} data_text=${MAILLAB_FACT_data_text:-}

# --- server's postfix configuration, as the grader's postconf reads the copied /etc/postfix ---------
alias_maps=$(pf $S alias_maps)
alias_database=$(pf $S alias_database)
dest_x=$(pfx $S mydestination)
note=$(pf_note $S)

# The names server receives for (mydestination, or the lines of a file it names): an alias value
# user@one-of-these is that local user.
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
local_domains=" $(dest_names | paste -sd' ') "
passwd=$(evidence $S /etc/passwd)
is_user() { awk -F: -v u="$1" '$1 == u {f = 1} END {exit !f}' "$passwd" 2>/dev/null; }

# canon VALUE: the recipients an alias value names, sorted, comma-separated: lowercased (local delivery
# folds case), a leading backslash dropped, user@a-local-domain as the user. Postfix splits the value at
# commas and at white space alike (measured: "kelly li" delivers to both).
# expand_includes VALUE: an alias's recipients with each :include:FILE replaced by the recipients that
# file lists (commas or new lines between them, # comment lines skipped), as postfix's local delivery
# agent reads them; a file the engine did not copy (only /etc/postfix and /etc/mail are) stays as
# written, and the criterion then names it.
expand_includes() {
  local w out="" f
  local -a words
  read -ra words <<<"${1//,/ }"
  for w in "${words[@]}"; do
    f=$(evidence $S "${w#:include:}")
    if [[ ${w,,} == :include:/* ]] && [ -f "$f" ]; then
      out+="${out:+,}$(grep -v '^[[:space:]]*#' "$f" | tr ',\n' '  ' | xargs | tr ' ' ',')"
    else
      out+="${out:+,}$w"
    fi
  done
  printf '%s' "$out"
}
canon() {
  local v=${1,,} w
  local -a words
  read -ra words <<<"${v//,/ }"
  for w in "${words[@]}"; do
    w=${w#\\}
    [[ $w == *@* && $local_domains == *" ${w##*@} "* ]] && w=${w%@*}
    printf '%s\n' "$w"
  done | sort -u | paste -sd,
}
pretty() { local v=$1; printf '%s' "${v//,/ and }"; }

NAMES=(postmaster hr managers)
declare -A WANT=([postmaster]=root [hr]=jerry [managers]=kelly,li)

# --- /etc/aliases, compiled by the grader's own postalias into a scratch table ------------------------
file=$(evidence $S /etc/aliases)
db=$(evidence $S /etc/aliases.db)
declare -A F_RAW F_SET D_RAW D_SET
file_warn=""
if [ -f "$file" ]; then
  cp "$file" "$work/aliases"
  postalias "$work/aliases" 2>"$work/postalias.warn"
  file_warn=$(sed -E -e 's#^(/usr/sbin/)?postalias: (warning: )?##' -e "s#$work/aliases(\.db)?#/etc/aliases#g" \
    "$work/postalias.warn" | sort -u | head -n 3 | paste -sd';' | sed 's/;/; /g' | cut -c1-300)
  for n in "${NAMES[@]}"; do
    F_RAW[$n]=$(postalias -q "$n" "hash:$work/aliases" 2>/dev/null)
    F_SET[$n]=$(canon "$(expand_includes "${F_RAW[$n]}")")
  done
fi
warn_note=""
[ -n "$file_warn" ] && warn_note=" (postalias warns: $file_warn)"
# --- /etc/aliases.db as copied from server, queried by the grader's postalias ----------------------
if [ -f "$db" ]; then
  for n in "${NAMES[@]}"; do
    D_RAW[$n]=$(postalias -q "$n" "hash:$file" 2>/dev/null)
    D_SET[$n]=$(canon "$(expand_includes "${D_RAW[$n]}")")
  done
fi
# describe RAW-ARRAY-NAME: "postmaster → root, hr → jerry, managers → (none)"
describe() {
  local -n raw=$1
  local n out=""
  for n in "${NAMES[@]}"; do out+="${out:+; }$n → ${raw[$n]:-(no entry)}"; done
  printf '%s' "$out"
}
file_ok=1 db_ok=1 db_matches_file=1
if [ -f "$file" ]; then
  file_ok=0
  for n in "${NAMES[@]}"; do [ "${F_SET[$n]}" = "${WANT[$n]}" ] || file_ok=1; done
fi
if [ -f "$db" ]; then
  db_ok=0 db_matches_file=0
  for n in "${NAMES[@]}"; do
    [ "${D_SET[$n]}" = "${WANT[$n]}" ] || db_ok=1
    [ "${D_RAW[$n]}" = "${F_RAW[$n]}" ] || db_matches_file=1
  done
fi
# Modification times, as the engine's copy kept them.
file_mtime=$(stat -c %Y "$file" 2>/dev/null)
db_mtime=$(stat -c %Y "$db" 2>/dev/null)
when() { date -u -d "@$1" '+%H:%M:%S' 2>/dev/null; }
db_older=1
[ -n "$file_mtime" ] && [ -n "$db_mtime" ] && [ "$db_mtime" -lt "$file_mtime" ] && db_older=0

# Postfix's own log lines: was it reloaded after the last edit of /etc/aliases?
plog=$(daemon_log $S postfix)
reloaded_after=1
if [ -n "$file_mtime" ]; then
  while IFS=$'\x1f' read -r ident message stamp; do
    [[ $ident == postfix/master && $message == reload* ]] || continue
    [ $((stamp / 1000000)) -ge "$file_mtime" ] && reloaded_after=0
  done <<<"$plog"
fi

# --- aliases-file -------------------------------------------------------------------------------------
file_seen="/etc/aliases on server, compiled by the grader's postalias, answers $(describe F_RAW)$warn_note"
file_problem="" file_hint=""
for n in "${NAMES[@]}"; do
  [ "${F_SET[$n]}" = "${WANT[$n]}" ] && continue
  [ -n "$file_problem" ] && continue
  got=${F_SET[$n]}
  unknown=""
  for u in ${got//,/ }; do
    [[ $u == *[@/:]* || $u == *"|"* ]] && continue
    is_user "$u" || postalias -q "$u" "hash:$work/aliases" >/dev/null 2>&1 || unknown+="${unknown:+, }$u"
  done
  if [ -z "$got" ] && [ "$n" = postmaster ]; then
    file_problem="postmaster has no entry"
    file_hint="Every mail server must receive mail for postmaster (RFC 5321), and RHEL's /etc/aliases sends it to root: put that line back."
  elif [ -z "$got" ]; then
    file_problem="there is no line for $n"
    file_hint="Add a line for each alias to /etc/aliases on server: the alias name, a colon, then its recipients, several separated by commas."
  elif [[ ${F_RAW[$n]} == *"#"* ]]; then
    file_problem="the comment after $n's recipients became part of them"
    file_hint="In /etc/aliases a # starts a comment only at the beginning of a line; after the recipients it is read as more recipients. Put the comment on a line of its own."
  elif [ -n "$unknown" ]; then
    file_problem="$n names '$unknown', which is no user on server"
    file_hint="An alias must end at a real mailbox, and '$unknown' does not exist on server: compare the spelling with the accounts (getent passwd), fix the line in /etc/aliases and rebuild."
  elif [[ $file_warn == *"duplicate entry"*"\"$n\""* ]]; then
    file_problem="$n appears on more than one line, and postalias keeps only the first one ($n → ${F_RAW[$n]})"
    file_hint="postalias keeps the first line for a name and ignores the later ones (it warns: duplicate entry). Put all of an alias's recipients on one line, separated by commas."
  elif [ "$n" = postmaster ]; then
    file_problem="postmaster → ${F_RAW[$n]}, not root"
    file_hint="Leave RHEL's postmaster: root as it is: root reads the mail about the mail system itself."
  else
    file_problem="$n → ${F_RAW[$n]}, but it should reach $(pretty "${WANT[$n]}")"
    file_hint="hr should reach jerry, and managers both kelly and li, no one else: compare your lines with that (postalias -q NAME hash:/etc/aliases shows what postfix sees)."
  fi
done
if [ ! -f "$file" ]; then
  fail aliases-file "No /etc/aliases was copied from server${MAILLAB_COPY_server:+ ($MAILLAB_COPY_server)}." \
    "/etc/aliases is the file newaliases compiles: restore RHEL's file (it lists postmaster: root and the system accounts) and add the aliases to it."
elif [ -z "$file_problem" ]; then
  pass aliases-file "$file_seen."
else
  fail aliases-file "$file_seen: $file_problem." "$file_hint"
fi

# --- db-current ---------------------------------------------------------------------------------------
db_seen="the grader's postalias -q on server's aliases.db answers $(describe D_RAW)"
times="aliases.db is from $(when "$db_mtime"), /etc/aliases from $(when "$file_mtime") (UTC)"
if [[ " ${alias_maps//,/ } " != *" hash:/etc/aliases "* ]]; then
  fail db-current "alias_maps = ${alias_maps:-(empty)}, alias_database = ${alias_database:-(empty)}$note: postfix does not look up aliases in /etc/aliases.db." \
    "Keep RHEL's alias_maps = hash:/etc/aliases (and alias_database, which newaliases builds): that is the table postfix consults for every local recipient."
elif [ ! -f "$db" ]; then
  fail db-current "There is no /etc/aliases.db on server${MAILLAB_COPY_server:+ ($MAILLAB_COPY_server)}." \
    "Postfix never reads /etc/aliases itself, only the table compiled from it: build /etc/aliases.db with newaliases."
elif [ $db_ok -eq 0 ] && [ $db_older -ne 0 ]; then
  pass db-current "$db_seen; $times: the database is not older than the file."
elif [ $db_ok -eq 0 ]; then
  fail db-current "$db_seen, but $times: /etc/aliases was edited after the database was last built." \
    "Rebuild aliases.db with newaliases after every edit of /etc/aliases, even a comment: postfix reads only the database, so the two must agree."
elif [ $db_matches_file -eq 0 ] && [ $file_ok -ne 0 ]; then
  fail db-current "$db_seen: the same as /etc/aliases says, and that is not right yet (${file_problem:-see the file criterion})." \
    "aliases.db holds what /etc/aliases says: fix /etc/aliases first (see the criterion about the file), then rebuild the database with newaliases."
elif [ $reloaded_after -eq 0 ]; then
  fail db-current "$db_seen, while /etc/aliases says $(describe F_RAW); postfix was reloaded after the edit, but $times." \
    "A reload makes postfix re-read main.cf, but it never rebuilds aliases.db from /etc/aliases: run newaliases (RHEL's postfix.service also rebuilds it on a start or restart, never on a reload)."
else
  fail db-current "$db_seen, while /etc/aliases says $(describe F_RAW); $times." \
    "Postfix reads only aliases.db, which still holds the old aliases: rebuild it from /etc/aliases with newaliases (or postalias /etc/aliases)."
fi

# --- deliveries: the grader's message, followed through postfix's own log lines and the mailboxes ---
qid=$(grep -oE 'queued as [0-9A-Za-z]+' <<<"$data_text" | awk '{print $3}')
local_log=""
qids=$qid
if [ -n "$qid" ]; then
  all_local=$(log_text $S postfix "$msgid" | grep -E '^postfix/local: ')
  # An alias that names a list file (:include:) is delivered by local forwarding: the copies to its
  # members go out under new queue IDs ("forwarded as ID"), the same Message-ID. Follow them (an
  # include in an include, at most three deep).
  frontier=$qid
  for _ in 1 2 3; do
    next=$(for q in $frontier; do grep -E "^postfix/local: $q: " <<<"$all_local"; done |
      grep -oE 'forwarded as [0-9A-Za-z]+' | awk '{print $3}' | xargs)
    [ -n "$next" ] || break
    qids+=" $next" frontier=$next
  done
  local_log=$(grep -E "^postfix/local: (${qids// /|}): " <<<"$all_local")
fi
# delivery ALIAS USER: "status<US>detail" of postfix's local delivery of ALIAS@example.com to USER.
delivery() {
  local alias=$1 user=$2 line to orig
  local re='^postfix/local: [0-9A-Za-z]+: to=<([^>]*)>, orig_to=<([^>]*)>, .* status=([a-z]+) \((.*)\)$'
  while IFS= read -r line; do
    [[ $line =~ $re ]] || continue
    to=${BASH_REMATCH[1],,} orig=${BASH_REMATCH[2],,}
    [ "$orig" = "$alias@example.com" ] && [ "${to%@*}" = "$user" ] || continue
    printf '%s\x1f%s\n' "${BASH_REMATCH[3]}" "${BASH_REMATCH[4]}"
  done <<<"$local_log"
}
# others ALIAS USERS...: the users ALIAS@example.com was delivered to besides USERS.
others() {
  local alias=$1 line to orig
  shift
  local re='^postfix/local: [0-9A-Za-z]+: to=<([^>]*)>, orig_to=<([^>]*)>, .* status=sent '
  while IFS= read -r line; do
    [[ $line =~ $re ]] || continue
    to=${BASH_REMATCH[1],,} orig=${BASH_REMATCH[2],,}
    [ "$orig" = "$alias@example.com" ] || continue
    [[ " $* " == *" ${to%@*} "* ]] || printf '%s\n' "${to%@*}"
  done <<<"$local_log" | sort -u | paste -sd, | sed 's/,/, /g'
}
# unknown_users ALIAS: the names local delivery of ALIAS@example.com bounced as "unknown user".
unknown_users() {
  local line re='^postfix/local: [0-9A-Za-z]+: to=<([^>]*)>, orig_to=<([^>]*)>, .* status=bounced \(unknown user'
  while IFS= read -r line; do
    [[ $line =~ $re ]] && [ "${BASH_REMATCH[2],,}" = "$1@example.com" ] && printf '%s\n' "${BASH_REMATCH[1]%@*}"
  done <<<"$local_log" | sort -u | paste -sd, | sed 's/,/, /g'
}
# in_box USER: 1 if USER's copied mailbox holds the message the grader handed over (its queue ID,
# received from the grader's address), 2 if it holds another message with this run's token, else 0.
in_box() {
  local m_qid m_ip m_has
  while IFS=$'\x1f' read -r _ _ _ _ _ m_qid m_ip _ m_has; do
    [ "$m_has" = 1 ] || continue
    [ -n "$qid" ] && [ "$m_qid" = "$qid" ] && [ "$m_ip" = "$ip_grader" ] && { echo 1; return; }
    # A copy postfix forwarded for a list file: its queue ID comes from postfix's own line for the
    # grader's message, and its top Received: is postfix's local one, with no client address.
    [ -n "$m_qid" ] && [ "$m_qid" != "$qid" ] && [[ " $qids " == *" $m_qid "* ]] && [ -z "$m_ip" ] && { echo 1; return; }
    echo 2
    return
  done < <(mbox_messages --needle "$MAILLAB_NONCE" "$(evidence $S "/var/spool/mail/$1")")
  echo 0
}

noconv_seen="The grader could not hold an SMTP conversation with server.example.com:25 (${connect_text:-${talk_error:-no greeting}})"
noconv_hint="Check hands its message to server over SMTP from another host, as lesson 03 set it up: postfix must run on server and listen on every interface, and firewalld must allow smtp."
# Is postfix running at all? Its master's last word in the journal (trusted lines only).
master_last=$(log_text $S postfix | grep -E '^postfix/master: (daemon started|reload|terminating)' | tail -n1)
if [[ $connect_code != 220 && $master_last != *"daemon started"* && $master_last != *"reload --"* ]]; then
  fatal=$(postfix_fatal $S)
  noconv_seen+=": postfix on server is not running${fatal:+ (its log: $fatal)}"
  noconv_hint="Start postfix on server and enable it at boot (systemctl enable --now postfix). If it will not start, systemctl status postfix and journalctl -u postfix say why."
  if [ "$(postfix_outside_unit $S)" -gt 0 ]; then
    noconv_seen+=", or runs outside systemd (started by hand with postfix start?), where its log lines cannot be told from forged ones"
    noconv_hint="Let systemd run postfix, as on any RHEL host: postfix stop, then systemctl enable --now postfix, and restart it with systemctl restart postfix from then on."
  fi
fi
# judge_delivery CRITERION ALIAS USERS...
judge_delivery() {
  local crit=$1 alias=$2
  shift 2
  local code_var="MAILLAB_FACT_${alias}_code" text_var="MAILLAB_FACT_${alias}_text"
  local code=${!code_var:-} text=${!text_var:-} users=("$@")
  local rcpt="RCPT TO:<$alias@example.com>" u st detail box seen="" problem="" hint="" extra unknown
  if [[ $connect_code != 220 ]]; then
    fail "$crit" "$noconv_seen." "$noconv_hint"
    return
  elif [ -z "$code" ]; then
    fail "$crit" "The SMTP conversation with server broke off before $rcpt: ${talk_error:-no reply}." "$noconv_hint"
    return
  elif [[ $code == 5* && $text == *"User unknown"* ]]; then
    if [ -n "${F_SET[$alias]}" ]; then
      fail "$crit" "$rcpt from the grader got $code $text: /etc/aliases has $alias, but postfix's table does not (aliases.db answers ${D_RAW[$alias]:-nothing} for it)." \
        "smtpd looks every local recipient up in aliases.db (local_recipient_maps includes \$alias_maps), and that table has no $alias yet: rebuild it with newaliases after editing /etc/aliases."
    else
      fail "$crit" "$rcpt from the grader got $code $text: server knows no user or alias $alias." \
        "There is no user $alias on server, so mail for it is refused until an alias says where it goes: add $alias to /etc/aliases, then rebuild aliases.db with newaliases."
    fi
    return
  elif [[ $code != 2* ]]; then
    fail "$crit" "$rcpt from the grader got $code $text$note." \
      "Read server's /var/log/maillog for the grader's RCPT (the NOQUEUE or reject line) to see which setting refused it."
    return
  elif [[ $data_code != 2* ]] || [ -z "$qid" ]; then
    fail "$crit" "server accepted $alias@example.com ($code $text) but not the message: ${data_code:-no reply} ${data_text:-$talk_error}." \
      "Read server's /var/log/maillog for the grader's connection to see why the message itself was refused."
    return
  fi
  for u in "${users[@]}"; do
    st=$(delivery "$alias" "$u" | tail -n1)
    detail=$(field 2 <<<"$st")
    st=$(field 1 <<<"$st")
    box=$(in_box "$u")
    if [ "$st" = sent ] && [[ $detail == "delivered to mailbox" ]] && [ "$box" = 1 ]; then
      seen+="${seen:+; }$u: delivered to mailbox, and it is in /var/spool/mail/$u"
      continue
    fi
    if [ "$st" = sent ] && [[ $detail == "delivered to mailbox" ]]; then
      seen+="${seen:+; }$u: postfix says delivered to mailbox, but /var/spool/mail/$u does not hold it"
      [ -z "$problem" ] && problem=vanished:$u
    elif [ -n "$st" ]; then
      seen+="${seen:+; }$u: $st ($detail)"
      [ -z "$problem" ] && problem=$st:$u
    elif [ "$box" != 0 ]; then
      seen+="${seen:+; }$u: a message with this run's token is in /var/spool/mail/$u, but postfix did not deliver it there"
      [ -z "$problem" ] && problem=forged:$u
    else
      seen+="${seen:+; }$u: no delivery"
      [ -z "$problem" ] && problem=missing:$u
    fi
  done
  extra=$(others "$alias" "${users[@]}")
  [ -n "$extra" ] && seen+="; also delivered to: $extra"
  unknown=$(unknown_users "$alias")
  [ -n "$unknown" ] && seen+="; bounced as unknown user: $unknown"
  local head="server accepted $alias@example.com from the grader ($code; queued as $qid); postfix's local delivery for it — $seen"
  if [ -z "$problem" ] && [ -z "$extra" ] && [ -z "$unknown" ]; then
    pass "$crit" "$head."
    return
  fi
  u=${problem#*:}
  [ -n "$unknown" ] && [[ $problem != forged:* ]] && problem=unknown:$u
  case $problem in
    unknown:*)
      hint="$alias expands to '$unknown', which is no user on server, so local delivery bounces the message: an alias must end at existing users. Check the spelling, fix /etc/aliases and rebuild it with newaliases." ;;
    bounced:*)
      hint="Postfix could not deliver to $u: the reason is in the local delivery line above (and in /var/log/maillog under queue ID $qid)." ;;
    deferred:*)
      hint="Delivery to $u is deferred: the reason is in the local delivery line above (and in /var/log/maillog under queue ID $qid); fix it, then postqueue -f." ;;
    forged:*)
      hint="Only postfix's own local delivery counts: make $alias expand to $u, so that postfix delivers the message itself." ;;
    vanished:*)
      hint="Leave the mailbox alone: Check looks for its message in /var/spool/mail/$u right after postfix delivers it." ;;
    missing:*)
      if [[ $file_warn == *"duplicate entry"*"\"$alias\""* ]]; then
        hint="$alias appears on more than one line in /etc/aliases, and postalias keeps only the first (it warns: duplicate entry), so $u was never a recipient: put all recipients on one line, separated by commas, then newaliases."
      elif [ -n "$extra" ]; then
        hint="$alias reaches $extra instead of $u: make the alias name exactly the users it should reach, then rebuild with newaliases."
      else
        hint="$alias does not expand to $u: postalias -q $alias hash:/etc/aliases shows what postfix sees. List every recipient on the alias's line, separated by commas, then rebuild with newaliases."
      fi
      ;;
    *)
      hint="$alias should reach $(pretty "$(IFS=,; echo "${users[*]}")"), no one else: make the alias name exactly those users, then rebuild with newaliases." ;;
  esac
  fail "$crit" "$head." "$hint"
}
judge_delivery hr-delivers hr jerry
judge_delivery managers-delivers managers kelly li
rm -rf "$work"
