# SMTP AUTH check, part 2, on the grader: judged from what the grader itself was told over SMTP
# (grader-talk.sh's facts) and from what the engine copied from server: /etc/postfix (read by the
# grader's postconf), /etc/sasl2, the journal (postfix's and saslauthd's own lines only, from this run),
# and whether the unit link that starts saslauthd at boot exists. Server's own word (MAILLAB_CLAIM_*)
# only ever appears in messages.
S=server
SN=server.example.com
FOREIGN=someone@elsewhere.test
nonce_id="<$MAILLAB_NONCE.smtp@maillab.invalid>"
ip_grader=$(ip_of grader)
said_postfix=${MAILLAB_CLAIM_server_postfix:-unknown}
said_sasl=${MAILLAB_CLAIM_server_saslauthd:-unknown}
said_sasl_boot=${MAILLAB_CLAIM_server_saslauthd_boot:-unknown}

start_us=${MAILLAB_FACT_start_us:-0}
p25=${MAILLAB_FACT_p25:-} p25_text=${MAILLAB_FACT_p25_text:-}
ehlo=${MAILLAB_FACT_ehlo:-} ehlo_tls=${MAILLAB_FACT_ehlo_tls:-} hello_error=${MAILLAB_FACT_hello_error:-}
tls=${MAILLAB_FACT_tls:-}
anon_code=${MAILLAB_FACT_anon_code:-} anon_text=${MAILLAB_FACT_anon_text:-}
good_code=${MAILLAB_FACT_good_code:-} good_text=${MAILLAB_FACT_good_text:-} good_error=${MAILLAB_FACT_good_error:-}
local_code=${MAILLAB_FACT_local_code:-} data_code=${MAILLAB_FACT_data_code:-}
relay_code=${MAILLAB_FACT_relay_code:-} relay_text=${MAILLAB_FACT_relay_text:-}
open_code=${MAILLAB_FACT_open_code:-} open_text=${MAILLAB_FACT_open_text:-}
bad_code=${MAILLAB_FACT_bad_code:-} bad_text=${MAILLAB_FACT_bad_text:-}

# --- server's postfix, as the grader's postconf reads the copied /etc/postfix ---------------------
# The values the smtp/inet service runs with: a `-o name=value` on master.cf's smtp line overrides
# main.cf for that service alone (postconf -P), and is as right as main.cf.
smtp_param() {
  local v
  v=$(/usr/sbin/postconf -c "$(evidence $S /etc/postfix)" -P "smtp/inet/$1" 2>/dev/null | sed -E 's/^[^=]*= ?//')
  if [ -n "$v" ]; then printf '%s' "$v"; else pf $S "$1"; fi
}
sasl_enable=$(smtp_param smtpd_sasl_auth_enable)
secopts=$(smtp_param smtpd_sasl_security_options)
tls_auth_only=$(smtp_param smtpd_tls_auth_only)
tls_level=$(smtp_param smtpd_tls_security_level)
relay_r=$(smtp_param smtpd_relay_restrictions)
rcpt_r=$(smtp_param smtpd_recipient_restrictions)
# mynetworks only as main.cf sets it: its computed default would describe the grader's interfaces.
mynetworks=$(/usr/sbin/postconf -c "$(evidence $S /etc/postfix)" -nh mynetworks 2>/dev/null)
mynetworks_style=$(/usr/sbin/postconf -c "$(evidence $S /etc/postfix)" -nh mynetworks_style 2>/dev/null)
note=$(pf_note $S)
# The Cyrus SASL file smtpd reads: /etc/sasl2/smtpd.conf on RHEL (on the offline image a link to
# /etc/postfix/sasl/smtpd.conf, which the engine does not follow: read the file it points at).
sasl_conf=$(evidence $S /etc/sasl2/smtpd.conf)
[ -f "$sasl_conf" ] || sasl_conf=$(evidence $S /etc/postfix/sasl/smtpd.conf)
conf_line() { sed -nE "s/^[[:space:]]*$1[[:space:]]*:[[:space:]]*//p" "$sasl_conf" 2>/dev/null | tail -n1 | tr -d '\r'; }
mech_list=$(conf_line mech_list)
pwcheck=$(conf_line pwcheck_method)

# Postfix's and saslauthd's own journal lines (journald's trusted fields), from this check on.
since() { awk -F'\x1f' -v t="$start_us" '$3 >= t {print $1": "$2}'; }
plog=$(daemon_log $S postfix | since)
slog=$(daemon_log $S saslauthd | since)
# The lines of the check's own message (bound by its Message-ID), whenever they were written.
mlog=$(log_text $S postfix "$nonce_id")
sasl_line=$(grep -E '^postfix/smtpd: [0-9A-Za-z]+: client=.*sasl_username=' <<<"$mlog" | head -n1)
sasl_user=$(sed -nE 's/.*sasl_username=([^,[:space:]]+).*/\1/p' <<<"$sasl_line")
sasl_how=${sasl_line#*: client=}
failed_line=$(grep -E "^postfix/smtpd: warning: [^ ]*\[$ip_grader\]: SASL (PLAIN|LOGIN) authentication failed" <<<"$plog" | head -n1)
no_saslauthd=$(grep -E '^postfix/smtpd: warning: SASL authentication failure: cannot connect to saslauthd' <<<"$plog" | tail -n1)
sasl_fatal=$(grep -iE '^postfix/[a-z]+: (fatal|error|panic): .*(sasl|mechanism)' <<<"$plog" | tail -n1 | cut -c1-200)
# Postfix's smtpd itself held the grader's conversations: it logs each connection's end with the
# commands it took ("disconnect from …[IP] ehlo=1 auth=0/1 quit=1"). The grader sends AUTH only
# after the EHLO of the same connection offered it, so an `auth=` there means postfix offered AUTH.
ip_re=${ip_grader//./\\.}
auth_conn=$(grep -E "^postfix/smtpd: disconnect from [^ ]*\[$ip_re\] .*\bauth=" <<<"$plog" | tail -n1)
# ... and refused AUTH ANONYMOUS itself, through its SASL library.
anon_line=$(grep -E "^postfix/smtpd: warning: [^ ]*\[$ip_re\]: SASL ANONYMOUS authentication failed" <<<"$plog" | tail -n1)
# saslauthd's own word that it checked the check's wrong password (it logs refusals, not successes).
sasl_answered=$(grep -oE 'auth failure: \[user=student\].*' <<<"$slog" | tail -n1)

# Was it the real postfix, run by systemd, that the grader talked to?
outside=$(postfix_outside_unit $S)
fatal=$(postfix_fatal $S)
fatal_said=""
[ -n "$fatal" ] && fatal_said="; the last error in postfix's log: $fatal"
down_seen="the grader could not talk to $SN:25 (${p25_text:-$p25}; server reports postfix as '$said_postfix')$fatal_said"
down_hint="Lesson 03's server must stay up: postfix running (systemctl status postfix, journalctl -u postfix say why it is not) and port 25 open in firewalld. Then switch SMTP AUTH on."
not_postfix_hint="Server's postfix, run by systemd, logged nothing for the check's login: let systemd run postfix (systemctl restart postfix) and let it do the authentication itself."
if [ "${outside:-0}" -gt 0 ]; then
  not_postfix_hint="postfix on server runs outside systemd (started by hand with postfix start?), so its log lines cannot be told from forged ones: postfix stop, then systemctl enable --now postfix."
fi
talked=1
[ "$p25" = connected ] && [ -n "$ehlo" ] && talked=0

# --- what EHLO offered ----------------------------------------------------------------------------
# The AUTH line of an EHLO reply ("AUTH PLAIN LOGIN", or the old "AUTH=PLAIN LOGIN"), upper-cased.
auth_line() { tr '|' '\n' <<<"$1" | sed -nE 's/^[[:space:]]*[Aa][Uu][Tt][Hh][ =](.*)$/\1/p' | head -n1 | tr 'a-z' 'A-Z' | xargs; }
mechs=$(auth_line "$ehlo")
where="in its EHLO reply"
if [ -z "$mechs" ] && [ -n "$tls" ]; then
  mechs=$(auth_line "$ehlo_tls")
  where="after STARTTLS (smtpd_tls_auth_only = $tls_auth_only)"
fi
offered=1
[ -n "$mechs" ] && offered=0
has_mech() { [[ " $mechs " == *" $1 "* ]]; }
enable_yes=1
[ "${sasl_enable,,}" = yes ] && enable_yes=0
noauth_seen="server offers no AUTH $where (smtpd_sasl_auth_enable = ${sasl_enable:-no}$note)"
noauth_hint="SMTP AUTH is not switched on yet: see the criterion about AUTH being offered."
login_via="AUTH"
[ -n "$tls" ] && login_via="STARTTLS, then AUTH"

# --- auth-offered ---------------------------------------------------------------------------------
if [ $talked -ne 0 ]; then
  fail auth-offered "$down_seen${hello_error:+ ($hello_error)}." "$down_hint"
elif [ $offered -eq 0 ] && [ $enable_yes -ne 0 ]; then
  fail auth-offered "server offers AUTH $mechs $where, although its postfix configuration says smtpd_sasl_auth_enable = ${sasl_enable:-no}$note: that is not the postfix main.cf and master.cf describe." \
    "$not_postfix_hint"
elif [ $offered -eq 0 ] && has_mech PLAIN && has_mech LOGIN && [ -z "$auth_conn" ]; then
  fail auth-offered "server offers AUTH $mechs $where, but server's postfix logged no conversation from the grader ($ip_grader) in this check that used AUTH: something other than postfix's smtpd answered." \
    "$not_postfix_hint"
elif [ $offered -eq 0 ] && has_mech PLAIN && has_mech LOGIN; then
  pass auth-offered "server offers AUTH $mechs $where; smtpd_sasl_auth_enable = $sasl_enable$note."
elif [ $offered -eq 0 ]; then
  missing=""
  has_mech PLAIN || missing="PLAIN"
  has_mech LOGIN || missing="${missing:+$missing and }LOGIN"
  fail auth-offered "server offers AUTH $mechs $where, without $missing (mech_list: ${mech_list:-not set})." \
    "Mail programs log in with PLAIN or LOGIN, the two mechanisms that hand saslauthd a password it can check: list both in mech_list in /etc/sasl2/smtpd.conf, then reload postfix."
elif [ -n "$sasl_fatal" ]; then
  fail auth-offered "$noauth_seen; postfix's log: $sasl_fatal." \
    "smtpd cannot start its SASL side: read /var/log/maillog. Is mech_list in /etc/sasl2/smtpd.conf a list of mechanisms (plain login), and does smtpd_sasl_security_options leave any of them allowed?"
elif [[ ${tls_auth_only,,} == yes ]] && [ -z "$tls" ]; then
  fail auth-offered "$noauth_seen, and smtpd_tls_auth_only = yes, but server offers no STARTTLS either (smtpd_tls_security_level = ${tls_level:-none})." \
    "With smtpd_tls_auth_only = yes postfix offers AUTH only inside TLS, and it offers no STARTTLS: keep smtpd_tls_security_level = may (RHEL's default), or drop smtpd_tls_auth_only."
elif [ $enable_yes -eq 0 ]; then
  fail auth-offered "$noauth_seen, although main.cf says smtpd_sasl_auth_enable = $sasl_enable$note." \
    "main.cf is right but the running smtpd does not offer AUTH yet: reload postfix so that it reads main.cf again (systemctl reload postfix)."
else
  fail auth-offered "$noauth_seen." \
    "Postfix offers SMTP AUTH only when main.cf switches it on (smtpd_sasl_auth_enable); after the change reload postfix, then look for the AUTH line in an EHLO reply."
fi

# --- good-password --------------------------------------------------------------------------------
good_seen="$login_via as student with the right password got ${good_code:-no reply} ${good_text}"
if [ $talked -ne 0 ]; then
  fail good-password "$down_seen." "$down_hint"
elif [ $offered -ne 0 ] || [ "$good_code" = none ]; then
  fail good-password "$noauth_seen, so student could not log in." "$noauth_hint"
elif [ "$good_code" = 235 ] && [ "$sasl_user" = student ]; then
  pass good-password "$good_seen; server's postfix logged the check's message with ${sasl_how}."
elif [ "$good_code" = 235 ]; then
  fail good-password "$good_seen, but server's postfix logged no SASL login for the check's message." "$not_postfix_hint"
elif [ -n "$no_saslauthd" ]; then
  fail good-password "$good_seen; server's postfix logged: ${no_saslauthd#postfix/smtpd: }." \
    "Postfix asks saslauthd to check passwords, and saslauthd is not running (server reports it as '$said_sasl'): start it and enable it (systemctl enable --now saslauthd)."
elif [ -z "$good_code" ]; then
  fail good-password "$login_via as student broke off: ${good_error:-no reply}." \
    "Press Check again; if it persists, read /var/log/maillog on server for what smtpd said about the login."
elif [[ ${pwcheck,,} != saslauthd ]]; then
  fail good-password "$good_seen; /etc/sasl2/smtpd.conf says pwcheck_method: ${pwcheck:-(not set)}." \
    "Postfix's SASL library learns from /etc/sasl2/smtpd.conf how to check a password: pwcheck_method: saslauthd makes it ask saslauthd (which asks PAM), so system users log in with their own password."
else
  fail good-password "$good_seen." \
    "The right password was refused: test saslauthd alone on server (testsaslauthd -u student -p student -s smtp), and read /var/log/maillog for smtpd's SASL warning."
fi

# --- bad-password ---------------------------------------------------------------------------------
bad_seen="$login_via as student with a wrong password got ${bad_code:-no reply} ${bad_text}"
if [ $talked -ne 0 ]; then
  fail bad-password "$down_seen." "$down_hint"
elif [ $offered -ne 0 ] || [ "$bad_code" = none ]; then
  fail bad-password "$noauth_seen, so no password was checked." "$noauth_hint"
elif [[ $bad_code == 2* ]]; then
  fail bad-password "$bad_seen: anyone who knows a user name gets in." \
    "A wrong password must be refused: saslauthd has to check passwords against the system's (MECH=pam in /etc/sysconfig/saslauthd), and /etc/sasl2/smtpd.conf must make postfix ask it (pwcheck_method: saslauthd)."
elif [ "$good_code" != 235 ]; then
  fail bad-password "$bad_seen, but the right password was refused too (${good_code:-no reply} $good_text): every login fails, so this refusal proves nothing yet." \
    "A wrong password counts as refused only when the right one gets in: make logins with the right password work first (see that criterion)."
elif [ "$bad_code" = 535 ] && [ -n "$failed_line" ]; then
  pass bad-password "$bad_seen, while the right one got 235; server's postfix logged: ${failed_line#postfix/smtpd: warning: }."
elif [ "$bad_code" = 535 ]; then
  fail bad-password "$bad_seen, but server's postfix logged no failed login from the grader." "$not_postfix_hint"
else
  fail bad-password "$bad_seen, not 535." \
    "Press Check again; if it persists, read /var/log/maillog on server for what smtpd said about the login."
fi

# --- relay-after-auth -----------------------------------------------------------------------------
lc() { tr 'A-Z' 'a-z' <<<"$1" | tr -s ', \t' '  '; }
# "permit_sasl_authenticated" comes before the first restriction that refuses strangers in LIST?
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
relay_seen="after $login_via as student, RCPT TO:<$FOREIGN> got ${relay_code:-no reply} $relay_text"
if [ $talked -ne 0 ]; then
  fail relay-after-auth "$down_seen." "$down_hint"
elif [ $offered -ne 0 ] || [ "$good_code" != 235 ]; then
  extra=""
  [[ $relay_code == 2* ]] && extra=" (the foreign recipient was accepted anyway, by trust in the grader's address, not by a login)"
  if [ $offered -ne 0 ] || [ "$good_code" = none ]; then
    seen="$noauth_seen, so the grader could not log in"
  else
    seen="$login_via as student got ${good_code:-no reply} $good_text"
  fi
  fail relay-after-auth "$seen$extra." \
    "Relaying for authenticated users needs a working login first: see the criteria about AUTH and the right password."
elif [[ $relay_code == 2* ]] && [ "$sasl_user" = student ]; then
  pass relay-after-auth "$relay_seen; server's postfix logged the check's message with ${sasl_how}."
elif [[ $relay_code == 2* ]]; then
  fail relay-after-auth "$relay_seen, but server's postfix logged no SASL login for the check's message." "$not_postfix_hint"
elif [[ " $(lc "$relay_r") $(lc "$rcpt_r") " != *" permit_sasl_authenticated "* ]]; then
  fail relay-after-auth "$relay_seen; smtpd_relay_restrictions = ${relay_r:-(empty)}$note." \
    "Logging in works, but nothing lets a logged-in user relay: smtpd_relay_restrictions needs permit_sasl_authenticated, and postfix must be reloaded."
elif ! sasl_first "$relay_r" && [[ " $(lc "$relay_r") " == *" permit_sasl_authenticated "* ]]; then
  fail relay-after-auth "$relay_seen; smtpd_relay_restrictions = $relay_r$note." \
    "Restrictions are tried from left to right and the first one that decides wins: a rule that refuses foreign destinations before permit_sasl_authenticated stops logged-in users too. Mind the order."
elif ! sasl_first "$rcpt_r" && [[ ${rcpt_r,,} == *unauth_destination* ]]; then
  fail relay-after-auth "$relay_seen; smtpd_recipient_restrictions = $rcpt_r$note." \
    "smtpd_recipient_restrictions is tried after smtpd_relay_restrictions, and it refuses foreign destinations before it lets logged-in users through: mind the order there too (or leave relaying to smtpd_relay_restrictions)."
else
  fail relay-after-auth "$relay_seen; smtpd_relay_restrictions = ${relay_r:-(empty)}$note." \
    "main.cf lets logged-in users relay, but the running postfix refused: reload postfix, and read /var/log/maillog for the reject line of this RCPT."
fi

# --- no-relay-without-auth ------------------------------------------------------------------------
open_seen="without AUTH, RCPT TO:<$FOREIGN> from the grader ($ip_grader), a stranger, got ${open_code:-no reply} $open_text"
if [ -n "$mynetworks" ]; then
  trusts="mynetworks = $mynetworks"
else
  trusts="mynetworks is not set, so mynetworks_style = ${mynetworks_style:-host} decides whom postfix trusts"
fi
if [ "$p25" != connected ]; then
  fail no-relay-without-auth "$down_seen." "$down_hint"
elif [ -z "$open_code" ]; then
  fail no-relay-without-auth "the grader could not finish its conversation with $SN:25 (${open_text:-no reply to RCPT TO})." \
    "Press Check again; if it persists, make sure postfix runs on server and port 25 is reachable."
elif [[ $open_code == [45]* ]] && ! smtpd_refused_now $S "$ip_grader" "$FOREIGN" "$open_code" >/dev/null; then
  fail no-relay-without-auth "$open_seen, but server's postfix logged no such refusal in this check: something other than postfix's smtpd answered." \
    "$not_postfix_hint"
elif [[ $open_code == [45]* ]]; then
  relay_verdict no-relay-without-auth $S "$open_seen."
elif [[ " $(lc "$relay_r") $(lc "$rcpt_r") " != *unauth_destination* ]]; then
  fail no-relay-without-auth "$open_seen: server is an open relay; smtpd_relay_restrictions = ${relay_r:-(empty)}$note." \
    "smtpd_relay_restrictions decides who may send mail on to other domains; after the clients it trusts it must refuse everyone else (defer_unauth_destination, RHEL's default, or reject_unauth_destination)."
elif [ -z "$mynetworks" ] && [ "${mynetworks_style:-host}" != host ]; then
  fail no-relay-without-auth "$open_seen: server still relays for it by address; $trusts$note." \
    "mynetworks_style = ${mynetworks_style} trusts every host on server's network to relay without a password (the notes' postfix 2.10 default), strangers too. Trust by address only the server itself (RHEL 9's default, mynetworks_style = host) and let everyone else log in."
else
  fail no-relay-without-auth "$open_seen: server relays for it without a password; $trusts$note." \
    "permit_mynetworks lets the clients in mynetworks relay without a password, and the grader is one of them: trust by address only the server itself (127.0.0.0/8, or RHEL 9's default) and let everyone else log in."
fi

# --- saslauthd-enabled ----------------------------------------------------------------------------
# Starts at boot: its wants link, and no mask in /etc or /run (systemctl mask leaves the wants link
# in place), as the engine's copy of those paths shows them (unit_boot_state).
boot_state=$(unit_boot_state $S saslauthd)
enabled=1
[ "$boot_state" = enabled ] && enabled=0
boot_seen="saslauthd is enabled (a link in multi-user.target.wants)"
[ $enabled -eq 0 ] || boot_seen="saslauthd does not start at boot (no link in multi-user.target.wants; server reports it '$said_sasl_boot' and '$said_sasl')"
if [ "$(field 1 <<<"$boot_state")" = masked ]; then
  fail saslauthd-enabled "saslauthd is masked: $(field 2 <<<"$boot_state")${sasl_answered:+, although it runs now and answered the check}." \
    "A masked unit never starts again, at boot or by hand, whatever links enable it: unmask saslauthd (systemctl unmask saslauthd), then enable and start it."
elif [ $enabled -eq 0 ] && [ -n "$sasl_answered" ]; then
  pass saslauthd-enabled "$boot_seen, and it checked the check's wrong password: $sasl_answered."
elif [ -n "$sasl_answered" ]; then
  fail saslauthd-enabled "saslauthd runs and checked the check's wrong password, but $boot_seen." \
    "systemctl start runs saslauthd only until the next reboot, and then every login fails: enable it too (systemctl enable saslauthd)."
elif [ $talked -ne 0 ]; then
  fail saslauthd-enabled "$boot_seen; $down_seen." "$down_hint"
elif [ $offered -ne 0 ] || [ "$bad_code" = none ]; then
  if [ $enabled -eq 0 ]; then
    fail saslauthd-enabled "$boot_seen, but postfix never asked it: $noauth_seen." "$noauth_hint"
  else
    fail saslauthd-enabled "$boot_seen, and postfix never asked it: $noauth_seen." \
      "saslauthd checks the passwords postfix receives: make it run now and at every boot (systemctl enable --now saslauthd), and switch SMTP AUTH on in postfix."
  fi
elif [ -n "$no_saslauthd" ] && [ $enabled -eq 0 ]; then
  fail saslauthd-enabled "$boot_seen, but it is not running: server's postfix logged ${no_saslauthd#postfix/smtpd: warning: }." \
    "systemctl enable makes saslauthd start at the next boot, not now: start it too (systemctl enable --now saslauthd does both)."
elif [ -n "$no_saslauthd" ]; then
  fail saslauthd-enabled "$boot_seen, and it is not running: server's postfix logged ${no_saslauthd#postfix/smtpd: warning: }." \
    "saslauthd checks the passwords postfix receives: make it run now and at every boot (systemctl enable --now saslauthd)."
elif [[ ${pwcheck,,} != saslauthd ]]; then
  fail saslauthd-enabled "$boot_seen, but postfix does not ask it: /etc/sasl2/smtpd.conf says pwcheck_method: ${pwcheck:-(not set)}." \
    "Postfix's SASL library asks saslauthd only when /etc/sasl2/smtpd.conf says pwcheck_method: saslauthd."
else
  fail saslauthd-enabled "$boot_seen, but saslauthd logged nothing about the check's wrong password (server reports it as '$said_sasl')." \
    "saslauthd, run by systemd, logs every password it refuses: make sure it is the one checking (systemctl status saslauthd; testsaslauthd -u student -p student -s smtp), and that it runs with MECH=pam."
fi

# --- noanonymous ----------------------------------------------------------------------------------
anon_seen="AUTH ANONYMOUS got ${anon_code:-no reply} $anon_text"
if [ $talked -ne 0 ]; then
  fail noanonymous "$down_seen." "$down_hint"
elif [ $offered -ne 0 ]; then
  fail noanonymous "$noauth_seen, so there is no login, anonymous or not, to judge." "$noauth_hint"
elif [[ $anon_code == 2* ]]; then
  fail noanonymous "$anon_seen: anyone can log in without a password, and then relay like a user (mechanisms offered: $mechs; smtpd_sasl_security_options = ${secopts:-(empty)}$note)." \
    "An anonymous login is no login: keep noanonymous in smtpd_sasl_security_options (RHEL's default), and leave ANONYMOUS out of mech_list in /etc/sasl2/smtpd.conf."
elif has_mech ANONYMOUS; then
  fail noanonymous "server offers AUTH $mechs, ANONYMOUS among them ($anon_seen); smtpd_sasl_security_options = ${secopts:-(empty)}$note." \
    "Offer only mechanisms that need a password: keep noanonymous in smtpd_sasl_security_options, and leave ANONYMOUS out of mech_list in /etc/sasl2/smtpd.conf."
elif [[ " $(lc "$secopts") " != *" noanonymous "* ]]; then
  fail noanonymous "$anon_seen, but smtpd_sasl_security_options = ${secopts:-(empty)}$note: only mech_list keeps anonymous logins out today." \
    "smtpd_sasl_security_options is postfix's own guard against logins without a password; it has lost noanonymous (the notes set it explicitly, RHEL's default has it): put noanonymous back and reload postfix."
elif [ -z "$anon_line" ]; then
  fail noanonymous "$anon_seen, but server's postfix logged no refused ANONYMOUS login from the grader ($ip_grader) in this check: something other than postfix's smtpd answered." \
    "$not_postfix_hint"
else
  pass noanonymous "server offers AUTH $mechs, without ANONYMOUS; $anon_seen; smtpd_sasl_security_options = $secopts$note."
fi
