# Dovecot check, part 3, on the grader: judged from what the grader itself saw (grader-send.sh and
# grader-probe.sh facts: its SMTP message, its logins over POP3/IMAP with and without TLS) and from what
# the engine copied from server: student's mailbox, /etc/dovecot (read with the grader's own doveconf),
# firewalld's saved configuration, the journal (only lines dovecot itself wrote since this run began,
# so no logger line and no earlier session counts), and whether the unit links of dovecot and firewalld
# exist. What desktop says it saw (MAILLAB_CLAIM_*) only appears in messages.
S=server
SN=server.example.com
t0=${MAILLAB_FACT_t0:-0}
ip_desktop=$(ip_of desktop)
ip_grader=$(ip_of grader)
said_pop3=${MAILLAB_CLAIM_pop3:-nothing}
said_imap=${MAILLAB_CLAIM_imap:-nothing}
F() { local v="MAILLAB_FACT_$1"; printf '%s' "${!v:-}"; }
# A library error text: b'-ERR …' → -ERR …
unbytes() { sed -E "s/^b'(.*)'$/\1/; s/^b\"(.*)\"$/\1/" <<<"$1"; }

# --- dovecot's settings, as the grader's doveconf reads the copied /etc/dovecot ---------------------
# (dc_conf: a copy whose absolute !include lines name the copy's files, as server's do server's.)
conf=$(dc_conf $S)
conf_err=""
if [ -f "$conf" ]; then
  conf_err=$(/usr/bin/doveconf -c "$conf" -n 2>&1 >/dev/null | grep -E 'Fatal|Error' | head -n1 |
    sed -e "s#${conf%/dovecot.conf}#/etc/dovecot#g" -e "s#$MAILLAB_EVIDENCE/$S##g" | cut -c1-200)
else
  conf_err="no /etc/dovecot/dovecot.conf was copied from server"
fi
mloc=$(dc $S mail_location)
priv=$(dc $S mail_privileged_group)
nets=$(dc $S login_trusted_networks)
dpa=$(dc $S disable_plaintext_auth)
ssl_mode=$(dc $S ssl)

# covers IP NETS: does a login_trusted_networks value include IP?
covers() {
  /usr/bin/python3 -c '
import ipaddress, sys
ip = ipaddress.ip_address(sys.argv[1])
for net in sys.argv[2].replace(",", " ").split():
    try:
        if ip in ipaddress.ip_network(net, strict=False):
            sys.exit(0)
    except ValueError:
        pass
sys.exit(1)' "$1" "$2" 2>/dev/null
}

# mail_location: mbox, a root folder, and INBOX in the spool postfix writes (/var/mail = /var/spool/mail).
loc_kind=right
loc_inbox=""
IFS=':' read -r -a loc_parts <<<"$mloc"
for part in "${loc_parts[@]:2}"; do [[ $part == INBOX=* ]] && loc_inbox=${part#INBOX=}; done
spool_re='^/var/(spool/)?mail/(%u|%n|%Lu|%Ln|%\{user\}|%\{username\})$'
if [ -z "$mloc" ]; then
  loc_kind=empty
elif [[ ${loc_parts[0]} == maildir ]]; then
  loc_kind=maildir
elif [[ ${loc_parts[0]} != mbox ]] || [ -z "${loc_parts[1]:-}" ] || [[ ${loc_parts[1]} == *=* ]]; then
  loc_kind=other
elif [ -z "$loc_inbox" ]; then
  loc_kind=no-inbox
elif ! [[ $loc_inbox =~ $spool_re ]]; then
  loc_kind=wrong-inbox
fi
case $loc_kind in
  empty) loc_hint="mail_location is not set, so dovecot guesses where student's mail is, and the guess fails (its log says: Mail storage autodetection failed). Tell it in 10-mail.conf: mbox files, the other folders under ~/mail, and the INBOX in the spool where postfix delivers." ;;
  maildir) loc_hint="mail_location = $mloc makes dovecot read a Maildir directory, but postfix on server delivers into one mbox file per user in /var/spool/mail: dovecot shows an empty INBOX. Use the mbox format, with the INBOX in the spool." ;;
  no-inbox) loc_hint="mail_location = $mloc names only the root folder; without an INBOX= part dovecot keeps INBOX as an empty file under it (~/mail/inbox), not the spool postfix writes. Add INBOX= with the spool file of the user (/var/mail/%u)." ;;
  wrong-inbox) loc_hint="INBOX=$loc_inbox is not the spool file postfix writes for each user: /var/spool/mail/<user> (the same directory as /var/mail), where %u stands for the user name." ;;
  other) loc_hint="mail_location = $mloc: dovecot reads mail in the format and place this names, but postfix writes one mbox file per user in /var/spool/mail. Use mbox:, a root folder (~/mail), and INBOX= the spool file (/var/mail/%u)." ;;
  *) loc_hint="" ;;
esac
[ -n "$conf_err" ] && [ -z "$mloc" ] &&
  loc_hint="doveconf cannot read server's dovecot configuration ($conf_err): fix the line it names (doveconf -n on server shows the same), then restart dovecot."

# --- dovecot's own log lines (journald's trusted fields), this run only ------------------------------
dlog=$(daemon_log $S dovecot)
run=$(awk -F'\x1f' -v t0="$t0" '$3 + 0 >= t0 + 0 {print $2}' <<<"$dlog")
dv_fatal=$(awk -F'\x1f' '{print $2}' <<<"$dlog" | grep -E 'Fatal: |Error in configuration' | tail -n1 | cut -c1-200)
autodetect=$(grep -E 'Mail storage autodetection failed' <<<"$run" | tail -n1 | sed -E 's/^[^:]*: //' | cut -c1-200)
dotlock=$(grep -E 'file_dotlock_create' <<<"$run" | tail -n1 | sed -E 's/^[^:]*: //' | cut -c1-220)
# Which processes wrote them: dovecot writes every line but its master's through its one log process
# (measured: one _PID for all pop3/imap lines of a check). A process that joined dovecot.service's
# cgroup under the name `log` writes lines as trusted as dovecot's, but from another process.
writers=$(daemon_pids $S dovecot | awk -F'\x1f' -v t0="$t0" '$3 + 0 >= t0 + 0 && $2 !~ /^master: / {print $1}' | sort -u | xargs)
one_writer=0
[ "$(wc -w <<<"$writers")" -le 1 ] || one_writer=1
writers_seen="dovecot's lines in this run came from $(wc -w <<<"$writers") processes (pids $writers), where dovecot writes them all through its one log process"
writers_hint="Only dovecot's own log lines count, and another program wrote lines in dovecot's name: stop it, and let dovecot itself serve desktop."
# login_line PROTO IP tls|plain: the last "Login:" line of PROTO-login for a client at IP in this run
login_line() {
  local lines
  lines=$(grep -E "^$1-login: Login: " <<<"$run" | grep -F "rip=$2,")
  if [ "$3" = tls ]; then grep -F ', TLS,' <<<"$lines"; else grep -vF ', TLS' <<<"$lines"; fi | tail -n1
}
# session_end PROTO LOGIN-LINE: the mail process's last line for that login (by mpid and session id)
session_end() {
  local mpid sess
  mpid=$(grep -oE 'mpid=[0-9]+' <<<"$2" | head -n1 | cut -d= -f2)
  sess=$(grep -oE 'session=<[^>]*>' <<<"$2" | head -n1 | sed -E 's/^session=<(.*)>$/\1/')
  [ -n "$mpid" ] || return 0
  grep -F "$1(student)<$mpid><$sess>: Disconnected" <<<"$run" | tail -n1
}
retr_of() { grep -oE 'retr=[0-9]+' <<<"$1" | head -n1 | cut -d= -f2; }
# refusal PROTO IP: the last line of PROTO-login about a client at IP in this run that is not a login
refusal() { grep -E "^$1-login: " <<<"$run" | grep -F "rip=$2," | grep -vF ': Login: ' | tail -n1; }

d_pop=$(login_line pop3 "$ip_desktop" plain)
d_pop_end=$(session_end pop3 "$d_pop")
d_pop_retr=$(retr_of "$d_pop_end")
d_pop_refused=$(refusal pop3 "$ip_desktop")
d_imap=$(login_line imap "$ip_desktop" plain)
d_imap_end=$(session_end imap "$d_imap")
d_imap_refused=$(refusal imap "$ip_desktop")
g_pop_tls=$(login_line pop3 "$ip_grader" tls)
g_pop_tls_retr=$(retr_of "$(session_end pop3 "$g_pop_tls")")
g_imap_tls=$(login_line imap "$ip_grader" tls)
g_imap_tls_end=$(session_end imap "$g_imap_tls")
g_pop_plain=$(login_line pop3 "$ip_grader" plain)
g_imap_plain=$(login_line imap "$ip_grader" plain)
g_pop_refused=$(refusal pop3 "$ip_grader")
g_imap_refused=$(refusal imap "$ip_grader")

# --- what the grader saw -----------------------------------------------------------------------------
# reach STATUS TEXT: open (a server answered), refused (server itself refused: nothing listens),
# blocked (a firewall rejected or dropped it), broken (connected, but no working POP3/IMAP/TLS there)
reach() {
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
r110=$(reach "$(F pop3_connect)" "$(F pop3_connect_text)")
r143=$(reach "$(F imap_connect)" "$(F imap_connect_text)")
r995=$(reach "$(F pop3s_connect)" "$(F pop3s_connect_text)")
r993=$(reach "$(F imaps_connect)" "$(F imaps_connect_text)")
seen_port() { # seen_port PORT REACH TEXT
  case $2 in
    open) echo "$1 answered" ;;
    refused) echo "$1 refused (nothing listens)" ;;
    blocked) echo "$1 rejected by the firewall (${3:-no route})" ;;
    broken) echo "$1 connected but failed (${3})" ;;
    *) echo "$1 not tried" ;;
  esac
}
ports_seen="the grader's connections to server: $(seen_port 110 "$r110" "$(F pop3_connect_text)"), $(seen_port 143 "$r143" "$(F imap_connect_text)"), $(seen_port 995 "$r995" "$(F pop3s_connect_text)"), $(seen_port 993 "$r993" "$(F imaps_connect_text)")"
pop_seen="the grader's connections to server: $(seen_port 110 "$r110" "$(F pop3_connect_text)"), $(seen_port 995 "$r995" "$(F pop3s_connect_text)")"
imap_seen="the grader's connections to server: $(seen_port 143 "$r143" "$(F imap_connect_text)"), $(seen_port 993 "$r993" "$(F imaps_connect_text)")"
down_seen="nothing listens on server's POP3 and IMAP ports: dovecot is not running${dv_fatal:+ (its log: $dv_fatal)}"
down_hint="Start dovecot on server and enable it at boot (systemctl enable --now dovecot). If it will not start, systemctl status dovecot and journalctl -u dovecot say why."
fw_hint_short="firewalld on server rejects the connection before dovecot sees it: allow the POP3 and IMAP services (see the firewall criterion)."

spool=$(evidence $S /var/spool/mail/student)
delivered=1
grep -qF "$MAILLAB_NONCE" "$spool" 2>/dev/null && delivered=0
undelivered_seen="The check's message ($MAILLAB_NONCE) did not reach /var/spool/mail/student on server (the grader's SMTP: RCPT $(F smtp_rcpt); DATA $(F smtp_data)$(F smtp_error)), so there was nothing to fetch."
undelivered_hint="Check first mails student@example.com through postfix on server, as the lesson on receiving mail set it up: postfix must keep receiving mail for example.com from other hosts and deliver it to /var/spool/mail/student (tail /var/log/maillog shows why not)."

other_inbox_hint="The check's message is in /var/spool/mail/student, but dovecot serves student another INBOX: restart dovecot after editing 10-mail.conf and read journalctl -u dovecot."
no_inbox_hint="dovecot could not open student's INBOX: restart dovecot after editing 10-mail.conf and read journalctl -u dovecot."
dv_fatal_note=""
[ -n "$dv_fatal" ] && dv_fatal_note="; dovecot's log: $dv_fatal"
impostor_hint="Only dovecot may serve student's mail here: stop whatever else listens on the POP3 and IMAP ports, and let dovecot (systemctl enable --now dovecot) do it."

# desktop_refused PROTO LOGIN-REFUSAL SAID: verdict parts for a desktop whose plaintext login is missing
trust_hint="With ssl = required, dovecot takes a plaintext password only over TLS, from the server itself, or from a trusted network: make desktop ($ip_desktop) a trusted client with login_trusted_networks in dovecot.conf, trusting only desktop, then reload dovecot."
stale_trust_hint="login_trusted_networks names desktop, but the running dovecot has not read it: reload or restart dovecot after editing its configuration."

# --- pop3-retr ---------------------------------------------------------------------------------------
pop3s_found=1
[ "$(F pop3s_login)" = ok ] && [ "$(F pop3s_needle)" = found ] && pop3s_found=0
if [ $delivered -ne 0 ]; then
  fail pop3-retr "$undelivered_seen" "$undelivered_hint"
elif [ "$r110" = blocked ] && [ "$r995" != open ]; then
  fail pop3-retr "POP3 did not get through: $pop_seen; desktop says: $said_pop3." "$fw_hint_short"
elif [ "$r110" = refused ] && [ "$r995" = refused ]; then
  fail pop3-retr "$down_seen; $pop_seen." "$down_hint"
elif [ -z "$d_pop" ]; then
  if [[ $said_pop3 == "logged in"* ]]; then
    fail pop3-retr "Desktop says its POP3 session worked ($said_pop3), but dovecot logged no POP3 login from desktop ($ip_desktop) in this run: something other than dovecot answered on server.example.com:110." "$impostor_hint"
  elif covers "$ip_desktop" "$nets"; then
    fail pop3-retr "dovecot did not log desktop in over POP3 (desktop says: $said_pop3), although login_trusted_networks = $nets includes desktop's address ($ip_desktop)." "$stale_trust_hint"
  elif [ -n "$d_pop_refused" ] || [[ $said_pop3 == *"Plaintext authentication disallowed"* ]]; then
    fail pop3-retr "dovecot refused desktop's plaintext POP3 login (desktop says: $said_pop3); login_trusted_networks = ${nets:-(empty)}." "$trust_hint"
  else
    fail pop3-retr "dovecot logged no POP3 session from desktop ($ip_desktop) in this run; desktop says: $said_pop3." \
      "Desktop must reach dovecot at server.example.com:110 and log in as student: curl -v pop3://server.example.com/ -u student:student on desktop shows where it stops."
  fi
elif [ -z "$d_pop_retr" ] || [ "$d_pop_retr" -lt 1 ]; then
  if [ -n "$autodetect" ] && [ "$loc_kind" = right ]; then
    fail pop3-retr "desktop logged in over POP3, but dovecot could not open student's mail: $autodetect; yet mail_location = $mloc in its files." \
      "dovecot still runs with the settings it read when it started: restart dovecot after editing 10-mail.conf."
  elif [ "$loc_kind" != right ]; then
    fail pop3-retr "desktop logged in over POP3 but retrieved no message (dovecot: ${d_pop_end:-no end of session logged}; desktop says: $said_pop3); mail_location = ${mloc:-(not set)}." "$loc_hint"
  else
    fail pop3-retr "desktop logged in over POP3 but retrieved no message (dovecot: ${d_pop_end:-no end of session logged}; desktop says: $said_pop3)." \
      "Read dovecot's log for desktop's session (journalctl -u dovecot): the lines after its Login say why student's INBOX came back empty or could not be read."
  fi
elif [ $pop3s_found -ne 0 ] && [ "$r995" = blocked ]; then
  fail pop3-retr "desktop retrieved mail over POP3, but the grader, which is not trusted and must use TLS, could not reach POP3S: $(seen_port 995 "$r995" "$(F pop3s_connect_text)")." \
    "Clients other than desktop read mail over TLS: let the pop3s service (995) through server's firewall too."
elif [ $pop3s_found -ne 0 ] && [ "$(F pop3s_login)" != ok ]; then
  fail pop3-retr "desktop retrieved mail over POP3, but the grader's POP3S session failed: $(unbytes "$(F pop3s_connect_text)") $(unbytes "$(F pop3s_login_text)") $(F pop3s_error)." \
    "POP3 over TLS (995) must work for clients that are not trusted: keep ssl = required with the certificate dovecot-init made (10-ssl.conf); journalctl -u dovecot says why the session failed."
elif [ $pop3s_found -ne 0 ]; then
  fail pop3-retr "desktop retrieved mail over POP3, but the check's message was not among the ${MAILLAB_FACT_pop3s_count:-0} messages dovecot serves as student's INBOX$([ -n "$(F pop3s_error)" ] && printf ' (%s)' "$(F pop3s_error)"); mail_location = ${mloc:-(not set)}." \
    "${loc_hint:-$other_inbox_hint}"
elif [ -z "$g_pop_tls" ] || [ "${g_pop_tls_retr:-0}" -lt 1 ]; then
  fail pop3-retr "The grader's POP3S session found the check's message, but dovecot logged no such session from the grader ($ip_grader): something other than dovecot answered on 995." "$impostor_hint"
elif [ $one_writer -ne 0 ]; then
  fail pop3-retr "desktop's POP3 session is in dovecot's log, but $writers_seen." "$writers_hint"
else
  pass pop3-retr "desktop ($ip_desktop) logged in over POP3 with a plaintext password and retrieved $d_pop_retr message(s) (dovecot: ${d_pop#pop3-login: }); the grader's POP3S login found the check's message ($MAILLAB_NONCE). Desktop says: $said_pop3."
fi

# --- imap-select -------------------------------------------------------------------------------------
imaps_readonly=1
[[ $(F imaps_error) == *"not writable"* ]] && imaps_readonly=0
if [ $delivered -ne 0 ]; then
  fail imap-select "$undelivered_seen" "$undelivered_hint"
elif [ "$r143" = blocked ] && [ "$r993" != open ]; then
  fail imap-select "IMAP did not get through: $imap_seen; desktop says: $said_imap." "$fw_hint_short"
elif [ "$r143" = refused ] && [ "$r993" = refused ]; then
  fail imap-select "$down_seen; $imap_seen." "$down_hint"
elif [ -z "$d_imap" ]; then
  if [[ $said_imap == "logged in"* ]]; then
    fail imap-select "Desktop says its IMAP session worked ($said_imap), but dovecot logged no IMAP login from desktop ($ip_desktop) in this run: something other than dovecot answered on server.example.com:143." "$impostor_hint"
  elif covers "$ip_desktop" "$nets"; then
    fail imap-select "dovecot did not log desktop in over IMAP (desktop says: $said_imap), although login_trusted_networks = $nets includes desktop's address ($ip_desktop)." "$stale_trust_hint"
  elif [ -n "$d_imap_refused" ] || [[ $said_imap == *"Plaintext authentication disallowed"* ]]; then
    fail imap-select "dovecot refused desktop's plaintext IMAP login (desktop says: $said_imap); login_trusted_networks = ${nets:-(empty)}." "$trust_hint"
  else
    fail imap-select "dovecot logged no IMAP session from desktop ($ip_desktop) in this run; desktop says: $said_imap." \
      "Desktop must reach dovecot at server.example.com:143 and log in as student: curl -v imap://server.example.com/ -u student:student on desktop shows where it stops."
  fi
elif [ "$r993" = blocked ]; then
  fail imap-select "desktop logged in over IMAP, but the grader, which is not trusted and must use TLS, could not reach IMAPS: $(seen_port 993 "$r993" "$(F imaps_connect_text)")." \
    "Clients other than desktop read mail over TLS: let the imaps service (993) through server's firewall too."
elif [ "$(F imaps_login)" != ok ]; then
  fail imap-select "desktop logged in over IMAP, but the grader's IMAPS session failed: $(unbytes "$(F imaps_connect_text)") $(unbytes "$(F imaps_login_text)") $(F imaps_error)." \
    "IMAP over TLS (993) must work for clients that are not trusted: keep ssl = required with the certificate dovecot-init made (10-ssl.conf); journalctl -u dovecot says why the session failed."
elif [ $imaps_readonly -eq 0 ]; then
  fail imap-select "SELECT INBOX over IMAPS came back read-only (INBOX is not writable: nothing can be marked read or deleted); dovecot logged: ${dotlock:-nothing about it}; mail_privileged_group = ${priv:-(not set)}." \
    "dovecot runs as student and could not create the lock file (student.lock) in /var/mail, which belongs to root and group mail (drwxrwxr-x), so it opened INBOX read-only. Let dovecot use the spool's group for that (mail_privileged_group in 10-mail.conf), then restart dovecot."
elif [ "$(F imaps_select)" != ok ]; then
  fail imap-select "SELECT INBOX over IMAPS failed: $(F imaps_select) $(F imaps_select_text) $(F imaps_error)${autodetect:+; dovecot logged: $autodetect}; mail_location = ${mloc:-(not set)}." \
    "${loc_hint:-$no_inbox_hint}"
elif [ "$(F imaps_needle)" != found ]; then
  fail imap-select "SELECT INBOX over IMAPS shows $(F imaps_select_text) message(s), and none is the check's message; mail_location = ${mloc:-(not set)}." \
    "${loc_hint:-$other_inbox_hint}"
elif [ -z "$g_imap_tls" ] || [ -z "$g_imap_tls_end" ]; then
  fail imap-select "The grader's IMAPS session found the check's message, but dovecot logged no such session from the grader ($ip_grader): something other than dovecot answered on 993." "$impostor_hint"
elif [ $one_writer -ne 0 ]; then
  fail imap-select "desktop's IMAP session is in dovecot's log, but $writers_seen." "$writers_hint"
else
  pass imap-select "desktop ($ip_desktop) logged in over IMAP with a plaintext password (dovecot: ${d_imap#imap-login: }); over IMAPS the grader's SELECT INBOX opened it read-write with $(F imaps_select_text) messages and found the check's message. Desktop says: $said_imap."
fi

# --- untrusted-plaintext-refused ---------------------------------------------------------------------
p_text=$(unbytes "$(F pop3_login_text)")
i_text=$(unbytes "$(F imap_login_text)")
if [ "$r110" != open ] && [ "$r143" != open ]; then
  fail untrusted-plaintext-refused "The grader could not talk to dovecot on 110 or 143 to try a plaintext login: $ports_seen$dv_fatal_note." \
    "Check tries a plaintext login from a host that is not trusted, so POP3 (110) and IMAP (143) must answer first: dovecot running, and the firewall letting them in."
elif [ "$(F pop3_login)" = ok ] || [ "$(F imap_login)" = ok ] || [ -n "$g_pop_plain" ] || [ -n "$g_imap_plain" ]; then
  how=""
  { [ "$(F pop3_login)" = ok ] || [ -n "$g_pop_plain" ]; } && how="POP3 on 110"
  { [ "$(F imap_login)" = ok ] || [ -n "$g_imap_plain" ]; } && how="${how:+$how and }IMAP on 143"
  seen="The grader ($ip_grader), which is not desktop, logged in as student with a plaintext password over $how"
  if [ -n "$nets" ] && covers "$ip_grader" "$nets"; then
    fail untrusted-plaintext-refused "$seen: login_trusted_networks = $nets covers its address too." \
      "login_trusted_networks lets every address it covers send passwords in clear text; a whole network (the notes' 192.168.0.0/24) includes hosts you do not know. Trust desktop's address alone (a /32)."
  elif [ "$dpa" = no ] && [ "$ssl_mode" != required ]; then
    fail untrusted-plaintext-refused "$seen: disable_plaintext_auth = no and ssl = ${ssl_mode:-(unset)}." \
      "disable_plaintext_auth = no with ssl = yes (as old guides suggest) lets any client send its password in clear text. Keep RHEL's ssl = required and disable_plaintext_auth = yes, and trust only desktop with login_trusted_networks."
  else
    fail untrusted-plaintext-refused "$seen (disable_plaintext_auth = ${dpa:-?}, ssl = ${ssl_mode:-?}, login_trusted_networks = ${nets:-(empty)})." \
      "dovecot must refuse plaintext passwords from hosts it does not trust: RHEL's ssl = required and disable_plaintext_auth = yes do it; doveconf -n on server shows what changed."
  fi
elif [ "$r110" != open ] || [ "$r143" != open ]; then
  fail untrusted-plaintext-refused "The grader could not try both ports: $ports_seen." \
    "Check tries a plaintext login from an untrusted host on both POP3 (110) and IMAP (143): both must answer (dovecot running, the firewall letting pop3 and imap in)."
elif [[ $p_text != *"Plaintext authentication disallowed"* || $i_text != *"Plaintext authentication disallowed"* ]]; then
  fail untrusted-plaintext-refused "The grader's plaintext logins were refused, but not because they were plaintext: POP3 said '$p_text', IMAP said '$i_text'." \
    "A refusal for another reason (a wrong password, authentication that fails for everyone) proves nothing about plaintext: make logins work for desktop first (see the POP3 and IMAP criteria); dovecot then refuses the untrusted host's plaintext password with 'Plaintext authentication disallowed'."
elif [ -z "$g_pop_refused" ] || [ -z "$g_imap_refused" ]; then
  fail untrusted-plaintext-refused "The grader's plaintext logins were refused ('$p_text'), but dovecot logged no such attempt from the grader ($ip_grader) on ${g_pop_refused:+IMAP}${g_pop_refused:-POP3}: something other than dovecot answered." "$impostor_hint"
else
  plaintext_verdict untrusted-plaintext-refused $S "The grader ($ip_grader), a host dovecot does not trust, was refused a plaintext login on 110 ('$p_text') and on 143 ('$i_text'); dovecot logged: ${g_pop_refused#pop3-login: }."
fi

# --- mail-location -------------------------------------------------------------------------------------
served=1
{ [ $pop3s_found -eq 0 ] && [ -n "$g_pop_tls" ]; } && served=0
{ [ "$(F imaps_needle)" = found ] && [ -n "$g_imap_tls" ]; } && served=0
if [ "$loc_kind" != right ]; then
  fail mail-location "mail_location = ${mloc:-(not set)} in server's dovecot configuration${conf_err:+ (doveconf: $conf_err)}." "$loc_hint"
elif [ -n "$autodetect" ]; then
  fail mail-location "mail_location = $mloc in server's files, but the running dovecot still guessed, and failed, in this run: $autodetect." \
    "dovecot still runs with the settings it read when it started: restart dovecot (systemctl restart dovecot) after editing 10-mail.conf."
elif [ $served -eq 0 ]; then
  pass mail-location "mail_location = $mloc, and dovecot served the check's message from student's spool to the grader over TLS."
elif [ "$r995" = blocked ] && [ "$r993" = blocked ]; then
  fail mail-location "mail_location = $mloc, but the grader could not reach dovecot over TLS to see it in effect: $ports_seen." \
    "Check reads student's mailbox from another host over POP3S and IMAPS: let the pop3s and imaps services through server's firewall (see the firewall criterion)."
elif [ "$r995" = refused ] && [ "$r993" = refused ]; then
  fail mail-location "mail_location = $mloc, but $down_seen." "$down_hint"
elif [ $delivered -ne 0 ]; then
  fail mail-location "mail_location = $mloc; $undelivered_seen" "$undelivered_hint"
elif [ "$(F pop3s_needle)" = found ] || [ "$(F imaps_needle)" = found ]; then
  fail mail-location "mail_location = $mloc, but the check's message came from something dovecot did not log: no POP3S or IMAPS session of the grader ($ip_grader) is in its log." "$impostor_hint"
else
  fail mail-location "mail_location = $mloc, but dovecot did not serve the check's message to the grader (POP3S: $(unbytes "$(F pop3s_login_text)") $(F pop3s_needle) $(F pop3s_error); IMAPS: $(F imaps_select) $(F imaps_needle) $(F imaps_error))." \
    "Restart dovecot after changing mail_location, and read journalctl -u dovecot for errors about student's mailbox."
fi

# --- firewall ------------------------------------------------------------------------------------------
# A filtering firewall counts as firewalld's only while systemd's journal says firewalld runs.
fw=$(firewalld_filters $S "$(F px)" "$(F px_text)")
seenx=$(field 2 <<<"$fw")
filtering=1
[ "$(field 1 <<<"$fw")" = yes ] && filtering=0
blocked_ports=""
for pr in "110:$r110" "143:$r143" "995:$r995" "993:$r993"; do
  [ "${pr#*:}" = blocked ] || [ "${pr#*:}" = unknown ] && blocked_ports="$blocked_ports ${pr%%:*}"
done
blocked_ports=${blocked_ports# }
perm=$(/usr/bin/python3 - "$(evidence $S /etc/firewalld)" "$(evidence $S /usr/lib/firewalld)" <<'PY'
import os, re, sys
etc, usr = sys.argv[1], sys.argv[2]
PORTS = {110: "pop3", 143: "imap", 995: "pop3s", 993: "imaps"}
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
fw_enabled=1 fw_masked=1 dv_enabled=1 dv_masked=1
[[ $copy == *"multi-user.target.wants/firewalld.service: a symbolic link"* ]] && fw_enabled=0
[[ $copy == *"etc/systemd/system/firewalld.service: a symbolic link"* ]] && fw_masked=0
[[ $copy == *"multi-user.target.wants/dovecot.service: a symbolic link"* ]] && dv_enabled=0
[[ $copy == *"etc/systemd/system/dovecot.service: a symbolic link"* ]] && dv_masked=0

if [ $filtering -ne 0 ]; then
  fail firewall "$seenx; $perm_seen." \
    "Switching the firewall off (or a zone that accepts everything) opens every port, not just POP3 and IMAP: keep firewalld running and enabled with RHEL's public zone, and allow only the services you need."
elif [ -n "$blocked_ports" ] && [ "$perm_state" = allows ]; then
  fail firewall "The running firewall rejects the grader's connections to port(s) $blocked_ports, although in its saved configuration $perm_seen." \
    "The saved (--permanent) configuration allows them, but the running firewall does not: --permanent changes only what firewalld loads next time. Load it now with firewall-cmd --reload."
elif [ -n "$blocked_ports" ]; then
  fail firewall "The firewall rejects the grader's connections to port(s) $blocked_ports; in its saved configuration $perm_seen." \
    "firewalld on server lets in only the services its zone allows: add pop3, pop3s, imap and imaps (firewall-cmd), both now and with --permanent."
elif [ "$perm_state" = accept-all ]; then
  fail firewall "In firewalld's saved configuration $perm_seen." \
    "After a reload or a reboot the firewall would let everything in: keep a zone that rejects what it does not allow (public), and allow only the services you need, with --permanent."
elif [ "$perm_state" = missing ]; then
  fail firewall "The running firewall lets POP3 and IMAP through, but in its saved configuration $perm_seen: the next firewall-cmd --reload or reboot closes them again." \
    "A firewall-cmd change without --permanent lasts only until firewalld reloads: add the services to the permanent configuration too (firewall-cmd --permanent ..., or firewall-cmd --runtime-to-permanent)."
elif [ "$perm_state" != allows ]; then
  fail firewall "$perm_seen." \
    "firewalld must be able to load its saved configuration: firewall-cmd --check-config names the broken file; firewall-cmd --permanent --list-all shows what it would load."
elif [ $fw_masked -eq 0 ] || [ $fw_enabled -ne 0 ]; then
  fail firewall "In the saved configuration $perm_seen, but firewalld is $([ $fw_masked -eq 0 ] && echo masked || echo 'not enabled') on server, so after a reboot no firewall runs." \
    "The firewall belongs to the permanent setup as much as its zone: systemctl unmask firewalld if needed, then systemctl enable --now firewalld."
else
  pass firewall "$seenx; it lets POP3, POP3S, IMAP and IMAPS in now ($ports_seen); in its saved configuration $perm_seen, and it is enabled at boot."
fi

# --- enabled -------------------------------------------------------------------------------------------
running_now=""
[ -n "$run" ] && grep -qE '^(pop3|imap)-login: ' <<<"$run" && running_now="; it runs now, but only until the next reboot"
if [ $dv_masked -eq 0 ]; then
  fail enabled "dovecot is masked on server: it cannot be started at all." \
    "A masked unit never starts: systemctl unmask dovecot, then systemctl enable --now dovecot."
elif [ $dv_enabled -eq 0 ]; then
  pass enabled "dovecot is enabled on server (multi-user.target wants dovecot.service), so it starts at boot."
else
  fail enabled "dovecot is not enabled on server (no multi-user.target.wants/dovecot.service link)$running_now." \
    "systemctl start runs dovecot only until the next reboot: enable it too (systemctl enable dovecot, or systemctl enable --now dovecot)."
fi
