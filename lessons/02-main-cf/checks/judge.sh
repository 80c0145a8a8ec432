# Lesson 02 check, judged on the grader from what the engine copied from server (/etc/postfix, the
# journal, student's mailbox): myorigin as the grader's own postconf reads the copied main.cf, what
# postfix check would report about that configuration, and what server's postfix did with the message
# server-send.sh handed to sendmail. Server's word (MAILLAB_CLAIM_*) only ever appears in messages.
S=server
msgid="<$MAILLAB_NONCE.local@maillab.invalid>"
dir=$(evidence $S /etc/postfix)
said=${MAILLAB_CLAIM_server_postfix:-unknown}
sm_status=${MAILLAB_CLAIM_sendmail_status:-}
sm_said=${MAILLAB_CLAIM_sendmail_said:-}

# --- evidence: the configuration ---------------------------------------------------------------------
have_cf=1
[ -f "$dir/main.cf" ] && have_cf=0
myorigin=$(pf $S myorigin)
myorigin_x=$(pfx $S myorigin)
# Set in main.cf at all? (postconf -n prints nothing for a parameter left at its default.)
explicit=$(/usr/sbin/postconf -c "$dir" -n myorigin 2>/dev/null)
note=$(pf_note $S)
# Everything postconf says while reading main.cf and master.cf the ways postfix check does (-n, -M,
# -P), with the evidence path shown as /etc/postfix. postfix check prints the same warnings.
cf_said=$(
  if [ $have_cf -eq 0 ]; then
    for flag in -n -M -P; do /usr/sbin/postconf -c "$dir" "$flag" 2>&1 >/dev/null; done
  fi | sed -E -e 's#^(/usr/sbin/)?postconf: ##' -e "s#$dir#/etc/postfix#g" | sort -u
)
cf_fatal=$(grep -E '^fatal: ' <<<"$cf_said" | head -n1 | cut -c1-200)
cf_unused=$(grep -F 'unused parameter' <<<"$cf_said" | sed -E 's/^warning: //' | head -n3 | paste -sd';' | sed 's/;/; /g')
cf_dups=$(grep -F 'overriding earlier entry' <<<"$cf_said" | grep -oE 'overriding earlier entry: [^=]+' | sed 's/overriding earlier entry: //' | sort -u | paste -sd',' | sed 's/,/, /g')
# postfix check's look at the files: owned by root, not writable by group or others.
cf_perm=$(
  [ -d "$dir" ] && cd "$dir" && {
    find . ! -user root -printf 'not owned by root: /etc/postfix/%P\n'
    find . \( -perm -020 -o -perm -002 \) -printf 'group or other writable: /etc/postfix/%P\n'
  } | head -n3 | paste -sd';' | sed 's/;/; /g'
)

is_reference() { [[ $1 == '$mydomain' || $1 == '${mydomain}' || $1 == '$(mydomain)' ]]; }
comment_re='[[:space:]]#'
several_re='[[:space:],]'
unreadable="server's main.cf cannot be read: ${cf_fatal:-postconf failed}"
unreadable_hint="postconf stops at the line it names. Every setting is one line 'name = value' starting in the first column (a line starting with a space continues the line above): fix or remove that line."

# --- myorigin-reference: the value as written, read by the grader's postconf ------------------------
if [ $have_cf -ne 0 ]; then
  fail myorigin-reference "No main.cf was copied from server." "Postfix's main configuration file is /etc/postfix/main.cf on server: restore it."
elif [ -n "$cf_fatal" ]; then
  fail myorigin-reference "$unreadable." "$unreadable_hint"
elif is_reference "$myorigin"; then
  pass myorigin-reference "myorigin = $myorigin in server's main.cf: a reference to mydomain$note."
elif [ -z "$explicit" ]; then
  fail myorigin-reference "server's main.cf does not set myorigin, so postfix uses its default: myorigin = $myorigin$note." \
    "postconf -n does not list myorigin: main.cf does not set it, so postfix uses the default (postconf -d myorigin). A line whose parameter name postfix does not know is ignored; postconf and postfix check warn about such lines. Set myorigin itself with postconf -e."
elif [ -z "$myorigin" ]; then
  fail myorigin-reference "myorigin is set to an empty value in server's main.cf$note." \
    "Your shell replaced \$mydomain with its own (empty) variable before postconf saw it: inside double quotes, or with no quotes, bash expands \$names. Put the whole setting in single quotes."
elif [[ $myorigin =~ $comment_re ]]; then
  fail myorigin-reference "myorigin = $myorigin in server's main.cf: the '#' and what follows it are part of the value$note." \
    "main.cf has no comments at the end of a line: everything after '=' up to the end of the line is the value. Put the comment on a line of its own, starting with #."
elif [ "${myorigin_x,,}" = example.com ]; then
  fail myorigin-reference "myorigin = $myorigin in server's main.cf: the right domain, typed out instead of referred to$note." \
    "It works today, but the lesson asks you to refer to \$mydomain rather than type the domain, so that myorigin follows mydomain wherever this main.cf is used."
else
  fail myorigin-reference "myorigin = $myorigin in server's main.cf (it expands to '$myorigin_x')$note." \
    "myorigin should refer to the parameter that holds this host's domain name (postconf mydomain shows it): a reference is \$ followed by the parameter's name."
fi

# --- myorigin-expands: the value with every $name replaced (postconf -xh) ----------------------------
if [ $have_cf -ne 0 ]; then
  fail myorigin-expands "No main.cf was copied from server." "Postfix's main configuration file is /etc/postfix/main.cf on server: restore it."
elif [ -n "$cf_fatal" ]; then
  fail myorigin-expands "$unreadable." "$unreadable_hint"
elif [ "${myorigin_x,,}" = example.com ]; then
  pass myorigin-expands "myorigin = $myorigin expands to $myorigin_x on server$note."
elif [ -z "$myorigin_x" ]; then
  fail myorigin-expands "myorigin expands to nothing on server (myorigin = '$myorigin')$note." \
    "An empty myorigin usually means the shell expanded \$mydomain before postconf saw it: use single quotes around the whole setting, then look again with postconf -xh myorigin."
elif [[ $myorigin_x =~ $comment_re ]]; then
  fail myorigin-expands "myorigin expands to '$myorigin_x' on server: the comment became part of the value$note." \
    "Everything after '=' up to the end of the line is the value, a '#' included: put the comment on a line of its own."
elif [ "${myorigin_x,,}" = server.example.com ]; then
  fail myorigin-expands "myorigin expands to $myorigin_x on server (myorigin = $myorigin): the host's full name, not the domain$note." \
    "Mail would still leave as user@server.example.com. postconf -xh myorigin shows the expanded value; make it the domain, example.com, by referring to the parameter that holds it."
else
  fail myorigin-expands "myorigin expands to '$myorigin_x' on server (myorigin = $myorigin)$note." \
    "postconf -xh myorigin should print this host's domain, example.com (postconf -h mydomain): check the spelling of the parameter you refer to."
fi

# --- config-clean: what postfix check would report about server's configuration ------------------------
dups_note=""
[ -n "$cf_dups" ] && dups_note=" (duplicate entries for $cf_dups: harmless, the last one wins, though postfix check mentions them)"
if [ $have_cf -ne 0 ]; then
  fail config-clean "No main.cf was copied from server." "Postfix's main configuration file is /etc/postfix/main.cf on server: restore it."
elif [ -n "$cf_fatal" ]; then
  fail config-clean "postfix check stops: $cf_fatal." "$unreadable_hint"
elif [ -n "$explicit" ] && [ -z "$myorigin_x" ]; then
  fail config-clean "postfix check stops: fatal: bad string length 0 < 1: myorigin = (myorigin is empty)." \
    "Postfix refuses to run with an empty myorigin (sendmail and a reload stop too). An empty value usually means the shell expanded \$mydomain: use single quotes around the whole setting."
elif [[ $myorigin_x =~ $several_re ]]; then
  fail config-clean "postfix check stops: fatal: myorigin parameter setting must not contain multiple values: $myorigin_x." \
    "myorigin must be one domain; here the value runs on to the end of the line. Comments in main.cf go on lines of their own, starting with #."
elif [ -n "$cf_unused" ]; then
  fail config-clean "postfix check warns: $cf_unused." \
    "An unused parameter is a name postfix does not know, so that line does nothing at all. Correct the name (postconf -d lists every parameter postfix knows) or remove the line (postconf -X NAME)."
elif [ -n "$cf_perm" ]; then
  fail config-clean "postfix check warns: $cf_perm." \
    "postfix check wants /etc/postfix and its files owned by root and writable by root only: put owner and mode back (chown root, chmod go-w)."
else
  pass config-clean "postconf reads server's main.cf and master.cf without an error or an unused parameter, and the files are root's: postfix check has nothing to report$dups_note."
fi

# --- local-sender: what server's postfix did with the check's message ----------------------------------
log=$(log_text $S postfix "$msgid")
qid=$(grep -E '^postfix/cleanup: [0-9A-Za-z]+: message-id=' <<<"$log" | head -n1 | sed -E 's#^postfix/cleanup: ([0-9A-Za-z]+):.*#\1#')
q=${qid:-NONE}
picked=$(grep -E "^postfix/pickup: $q: " <<<"$log" | grep -oE 'from=<[^>]*>' | head -n1 | sed -E 's/^from=<(.*)>$/\1/')
smtpd_client=$(grep -E "^postfix/smtpd: $q: client=" <<<"$log" | head -n1 | sed -E 's/.*client=//')
sender=$(grep -E "^postfix/qmgr: $q: from=<" <<<"$log" | head -n1 | sed -E 's/^[^<]*<([^>]*)>.*/\1/')
delivered=$(grep -E "^postfix/local: $q: to=<student@" <<<"$log" | grep -F 'status=sent' | head -n1)
stuck=$(grep -E "^postfix/[a-z-]+: $q: .*status=(deferred|bounced)" <<<"$log" | tail -n1 | grep -oE 'status=.*' | cut -c1-200)
# The message in student's mailbox: the copy postfix delivered under that queue ID, else any with the nonce.
mbox=$(mbox_messages --needle "$MAILLAB_NONCE" "$(evidence $S /var/spool/mail/student)" 2>/dev/null | awk -F'\x1f' '$9 == "1"')
line=$(awk -F'\x1f' -v q="$q" '$6 == q' <<<"$mbox" | head -n1)
[ -n "$line" ] || line=$(head -n1 <<<"$mbox")
IFS=$'\x1f' read -r _ _ _ m_rp _ m_qid _ _ m_has <<<"$line"

sm_note=""
[ -n "$sm_said" ] && sm_note=": $sm_said"
if [ -z "$qid" ] && [ "$(postfix_outside_unit $S)" -gt 0 ]; then
  fail local-sender "server's postfix runs outside systemd (started by hand with postfix start?), so its log lines cannot be told from forged ones." \
    "Let systemd run postfix, as on any RHEL host: postfix stop, then systemctl enable --now postfix, and reload it with systemctl reload postfix from then on."
elif [ -z "$qid" ] && [ -n "$sm_status" ] && [ "$sm_status" != 0 ]; then
  fail local-sender "sendmail on server refused the check's message (exit status $sm_status$sm_note)." \
    "sendmail reads main.cf too and stops at a value it cannot use; postfix check reports the same problem. Fix main.cf until postfix check reports nothing, then reload postfix."
elif [ -z "$qid" ]; then
  fatal=$(postfix_fatal $S)
  fail local-sender "server's postfix did not take the check's message (server reports postfix as '$said')${fatal:+; its log: $fatal}." \
    "Postfix must run on server to take mail: systemctl enable --now postfix. If it will not start or reload, systemctl status postfix and journalctl -u postfix say why."
elif [ -z "$picked" ]; then
  how="without a pickup line"
  [ -n "$smtpd_client" ] && how="over SMTP from $smtpd_client"
  fail local-sender "server's postfix got the check's message (queue ID $qid) $how, not from sendmail on server." \
    "Check hands its message to sendmail on server, as any local program does, and postfix's pickup takes it from there: leave sendmail and postfix on server to do that."
elif [[ $picked == *@* ]]; then
  fail local-sender "sendmail handed server's postfix a sender that already had a domain (pickup: from=<$picked>, queue ID $qid), so postfix did not complete it." \
    "The point is that postfix itself completes a bare sender such as root with myorigin: leave sendmail as it is (no wrapper adding -f), and set myorigin."
elif [[ ${sender,,} != *@example.com ]] && [ "${myorigin_x,,}" = example.com ]; then
  fail local-sender "sendmail submitted the check's message from=<$picked>, and server's postfix made it <$sender> (queue ID $qid), although main.cf's myorigin now expands to $myorigin_x." \
    "main.cf is right, but the postfix processes that were already running still use what they read when they started: reload postfix (systemctl reload postfix) after changing main.cf."
elif [[ ${sender,,} != *@example.com ]]; then
  fail local-sender "sendmail submitted the check's message from=<$picked>, and server's postfix made it <${sender:-?}> (queue ID $qid); myorigin expands to '$myorigin_x'." \
    "Postfix completes a bare sender such as root with the value of myorigin (postconf -xh myorigin shows it): make that the domain, then reload postfix."
elif [ -z "$delivered" ] || [ "$m_has" != 1 ]; then
  fail local-sender "server's postfix made the sender <$sender> (queue ID $qid), but the message is not in student's mailbox${stuck:+ ($stuck)}." \
    "Follow the queue ID in /var/log/maillog on server: the line with status= says where the message went and why."
elif [ "$m_qid" != "$qid" ] || [ "${m_rp,,}" != "${sender,,}" ]; then
  fail local-sender "student's mailbox holds the check's message with Return-Path <$m_rp> and queue ID ${m_qid:-none}, but server's postfix logged queue ID $qid from=<$sender>: the mailbox was not written that way by postfix." \
    "Only what postfix itself delivers counts: leave student's mailbox and the log to postfix, and let the configuration do the work."
else
  pass local-sender "sendmail submitted the check's message as from=<$picked>; server's postfix completed the sender to <$sender> (queue ID $qid) and delivered it to student's mailbox with Return-Path <$m_rp>."
fi
