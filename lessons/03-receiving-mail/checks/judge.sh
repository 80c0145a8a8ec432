# Receiving check, part 2, on the grader: judged from what the grader itself saw on the network
# (grader-talk.sh's facts: its connections to server and its SMTP replies) and from what the engine
# copied from server (student's mailbox, /etc/postfix, firewalld's saved configuration, the journal,
# and whether firewalld's unit links exist). Server's own word (MAILLAB_CLAIM_*) only appears in messages.
S=server
SN=server.example.com
ip_server=$(ip_of server)
ip_grader=$(ip_of grader)
said_postfix=${MAILLAB_CLAIM_server_postfix:-unknown}
said_firewalld=${MAILLAB_CLAIM_server_firewalld:-unknown}
said_listening=${MAILLAB_CLAIM_server_listening:-nothing}

p25=${MAILLAB_FACT_p25:-} p25_text=${MAILLAB_FACT_p25_text:-}
px=${MAILLAB_FACT_px:-} px_text=${MAILLAB_FACT_px_text:-}
rcpt_code=${MAILLAB_FACT_rcpt_code:-} rcpt_text=${MAILLAB_FACT_rcpt_text:-}
data_code=${MAILLAB_FACT_data_code:-} data_text=${MAILLAB_FACT_data_text:-}
talk_error=${MAILLAB_FACT_talk_error:-}
unknown_code=${MAILLAB_FACT_unknown_code:-} unknown_text=${MAILLAB_FACT_unknown_text:-}
relay_code=${MAILLAB_FACT_relay_code:-} relay_text=${MAILLAB_FACT_relay_text:-}

# --- server's postfix, as the grader's postconf reads the copied /etc/postfix ---------------------
ii=$(pf $S inet_interfaces)
ii_x=$(pfx $S inet_interfaces)
dest=$(pf $S mydestination)
dest_x=$(pfx $S mydestination)
lrm=$(pf $S local_recipient_maps)
relay_restrictions=$(pf $S smtpd_relay_restrictions)
# mynetworks only as main.cf sets it: its computed default would describe the grader's interfaces.
mynetworks=$(/usr/sbin/postconf -c "$(evidence $S /etc/postfix)" -nh mynetworks 2>/dev/null)
mynetworks_style=$(/usr/sbin/postconf -c "$(evidence $S /etc/postfix)" -nh mynetworks_style 2>/dev/null)
smtpd_inet=$(pf_service $S smtp/inet)
note=$(pf_note $S)

# Postfix's own log lines (journald's trusted fields): its last start, reload or stop, and its warnings.
plog=$(log_text $S postfix)
master_last=$(grep -E '^postfix/master: (daemon started|reload|terminating)' <<<"$plog" | tail -n1)
reload_warned=$(grep -E '^postfix/master: warning: to change inet_interfaces' <<<"$plog" | tail -n1)
fatal=$(grep -E ': (fatal|error|panic): ' <<<"$plog" | tail -n1 | cut -c1-200)
running=1
[[ $master_last == *"daemon started"* || $master_last == *"reload --"* ]] && running=0
down_seen="postfix on server is not running (server reports it as '$said_postfix')${fatal:+; its log: $fatal}"
down_hint="Start postfix on server and enable it at boot (systemctl enable --now postfix). If it will not start, systemctl status postfix and journalctl -u postfix say why."
if [ $running -ne 0 ] && [ "$(postfix_outside_unit $S)" -gt 0 ]; then
  down_seen="postfix on server runs outside systemd (started by hand with postfix start?), so its log lines cannot be told from forged ones"
  down_hint="Let systemd run postfix, as on any RHEL host: postfix stop, then systemctl enable --now postfix, and restart it with systemctl restart postfix from then on."
fi

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

# --- what the grader saw --------------------------------------------------------------------------
case $p25 in
  connected) reach=open seen25="grader connected to $SN:25 ($p25_text)" ;;
  refused) reach=refused seen25="grader's connection to $SN:25 was refused: nothing listens there on server's address" ;;
  timeout) reach=blocked seen25="grader's connection to $SN:25 timed out (a firewall drops it)" ;;
  error)
    if [[ $p25_text == *"No route to host"* ]]; then
      reach=blocked seen25="grader's connection to $SN:25 failed: $p25_text (a firewall rejects it)"
    else
      reach=unknown seen25="grader's connection to $SN:25 failed: $p25_text"
    fi
    ;;
  *) reach=unknown seen25="the grader did not report its connection to $SN:25" ;;
esac
# A firewall that filters answers a port its zone does not allow with a rejection (No route to host)
# or drops it (timeout); without one, server's own TCP stack refuses the connection. It counts as
# firewalld's only while systemd's journal says firewalld runs (firewalld_filters).
fw=$(firewalld_filters $S "$px" "$px_text")
fw_state=$(field 1 <<<"$fw")
seenx=$(field 2 <<<"$fw")
filtering=1
[ "$fw_state" = yes ] && filtering=0
# Everything said over SMTP needs the connection first.
noconv_seen="the grader could not hold an SMTP conversation with $SN:25 (${p25_text:-$p25})"
noconv_hint="Check talks to the server from another host, so port 25 must be reachable first: see the criteria about listening and the firewall."
# Postfix's own answers: server's smtpd (its trusted log lines, written during this Check) logged the
# grader's connections, took the grader's message, and refused the other two recipients. A program
# answering on port 25 in postfix's place gives the same replies but writes none of these lines, so no
# criterion about postfix's answers passes on replies alone.
g_msgid="<$MAILLAB_NONCE.smtp@maillab.invalid>"
g_took=$(smtpd_took $S "$ip_grader" "$g_msgid")
not_postfix_hint="Only postfix's answers count: its smtpd, under systemd, logs each connection, each message it takes and each recipient it refuses. Let postfix itself listen where other hosts reach the server (ss -ltnp on server shows which program holds port 25)."

# --- firewalld's saved (permanent) configuration, read by the grader's own firewalld modules -------
perm=$(/usr/bin/python3 - "$(evidence $S /etc/firewalld)" "$(evidence $S /usr/lib/firewalld)" <<'PY'
import os, re, sys
etc, usr = sys.argv[1], sys.argv[2]
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
zone = "public"
conf = os.path.join(etc, "firewalld.conf")
if os.path.isfile(conf):
    for line in open(conf, errors="replace"):
        m = re.match(r"\s*DefaultZone\s*=\s*\"?([^\"\s]*)", line)
        if m and m.group(1):
            zone = m.group(1)
where = "the default zone"
# A zone that names server's interface (eth0) takes it over from the default zone.
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
def covers(port, proto):
    if proto != "tcp":
        return False
    lo, _, hi = str(port).partition("-")
    try:
        return int(lo) <= 25 <= int(hi or lo)
    except ValueError:
        return False
how = []
for name in z.services:
    try:
        s = read("services", name)
    except Exception:
        s = None
    if s and any(covers(p, proto) for p, proto in s.ports):
        how.append(f"service {name}")
how += [f"port {p}/{proto}" for p, proto in z.ports if covers(p, proto)]
for rule in getattr(z, "rules_str", []) or []:
    if re.search(r"\baccept\b", rule) and (
        re.search(r'service name="?smtp"?', rule) or re.search(r'port port="?25"? protocol="?tcp"?', rule)
    ):
        how.append(f"rich rule '{rule}'")
listed = ", ".join([f"services {' '.join(z.services) or '(none)'}", f"ports {' '.join(p + '/' + q for p, q in z.ports) or '(none)'}"])
if z.target == "ACCEPT":
    out("accept-all", zone, f"{where}, {zone}, accepts every connection (target ACCEPT)")
elif how:
    out("allows", zone, f"{where}, {zone}, allows port 25 by {', '.join(how)}")
else:
    out("closed", zone, f"{where}, {zone}, allows {listed}, nothing for port 25")
PY
)
perm_state=$(field 1 <<<"$perm")
perm_seen=$(field 3 <<<"$perm")
[ -n "$perm_state" ] || perm_state=error perm_seen="the grader could not read firewalld's saved configuration"
# Starts at boot? The engine copies no symbolic link; it names each one it left out.
copy=${MAILLAB_COPY_server:-}
fw_enabled=1 fw_masked=1
[[ $copy == *"multi-user.target.wants/firewalld.service: a symbolic link"* ]] && fw_enabled=0
[[ $copy == *"etc/systemd/system/firewalld.service: a symbolic link"* ]] && fw_masked=0

# --- listens-everywhere ---------------------------------------------------------------------------
loop_hint="postfix on server listens on the loopback interface only, RHEL's default: make it listen on every interface (inet_interfaces), then restart postfix (a reload does not open new sockets)."
if [ "$reach" = open ] && [[ $p25_text == 220* ]] && ! smtpd_connects $S "$ip_grader" >/dev/null; then
  fail listens-everywhere "$seen25, but server's postfix logged no connection from the grader ($ip_grader) in this check: something other than postfix's smtpd answered." \
    "$not_postfix_hint"
elif [ "$reach" = open ] && [[ $p25_text == 220* ]]; then
  pass listens-everywhere "$seen25, and server's smtpd logged the grader's connections ($(smtpd_connects $S "$ip_grader") in this check); inet_interfaces = $ii$note."
elif [ "$reach" = open ]; then
  fail listens-everywhere "$seen25, but that is no SMTP greeting (220)." \
    "Port 25 must be served by postfix: stop whatever else listens there and start postfix (systemctl enable --now postfix)."
elif [ "$reach" = blocked ] && external_value "$ii_x"; then
  fail listens-everywhere "$seen25; postfix is told to listen on '$ii' (server reports listening on $said_listening)$note." \
    "postfix is set to listen on every interface, but firewalld on server rejects connections to port 25 before they reach it: other hosts need the firewall opened for the smtp service."
elif [ "$reach" = blocked ]; then
  fail listens-everywhere "$seen25, and postfix is told to listen on '$ii' only (server reports listening on $said_listening)$note." \
    "Two things keep other hosts out: postfix listens on the loopback interface only (inet_interfaces, RHEL's default), and firewalld rejects port 25. Fix both, and restart postfix after changing inet_interfaces."
elif [ "$reach" != refused ]; then
  fail listens-everywhere "$seen25." "Press Check again; if this persists, make sure postfix runs on server and port 25 is reachable."
elif [ $running -ne 0 ]; then
  fail listens-everywhere "$seen25; $down_seen." "$down_hint"
elif [ -z "$smtpd_inet" ]; then
  fail listens-everywhere "$seen25, and server's master.cf has no smtp inet service." \
    "The SMTP server (smtpd) is started from the smtp line of master.cf: put it back (postfix's original master.cf has it), then restart postfix."
elif external_value "$ii_x"; then
  warned=""
  [ -n "$reload_warned" ] && warned=" postfix itself logged: ${reload_warned#postfix/master: }."
  fail listens-everywhere "$seen25, although inet_interfaces = $ii in server's main.cf (server reports listening on $said_listening)$note.$warned" \
    "main.cf is right but the running master process still has its old sockets: inet_interfaces is only read when postfix starts, so a reload is not enough — restart postfix."
elif loopback_value "$ii_x"; then
  fail listens-everywhere "$seen25; inet_interfaces = $ii$note." "$loop_hint"
else
  fail listens-everywhere "$seen25; inet_interfaces = $ii$note, which does not include server's address ($ip_server)." \
    "inet_interfaces names the addresses postfix listens on; other hosts reach server at its network address: listen on every interface (or name that address), then restart postfix."
fi

# --- firewall-runtime -----------------------------------------------------------------------------
if [ $filtering -ne 0 ]; then
  if [ "$fw_state" = open ]; then
    fail firewall-runtime "$seenx (server reports firewalld as '$said_firewalld'; $perm_seen)." \
      "firewalld runs but lets everything in: its zone accepts every connection. Use a zone that rejects what it does not allow (RHEL's default, public) and allow only the smtp service there."
  else
    fail firewall-runtime "$seenx (server reports firewalld as '$said_firewalld')." \
      "firewalld is not running: a firewall that is switched off, or that died, is no firewall anyone manages. Keep firewalld running and enabled, as on any RHEL server (systemctl status firewalld says why it stopped; systemctl enable --now firewalld), and allow only the smtp service in it."
  fi
elif [ "$reach" = blocked ] && [ "$perm_state" = allows ]; then
  fail firewall-runtime "$seen25, although $perm_seen in firewalld's saved configuration." \
    "The saved (--permanent) configuration allows smtp, but the running firewall does not: --permanent changes only what firewalld loads next time. Load it now (firewall-cmd --reload), or add the service at runtime too."
elif [ "$reach" = blocked ]; then
  fail firewall-runtime "$seen25; $seenx." \
    "firewalld on server rejects connections to port 25: allow the smtp service in its zone (firewall-cmd), both now and in the saved configuration."
elif [ "$reach" = open ] || [ "$reach" = refused ]; then
  through="grader connected to port 25"
  [ "$reach" = refused ] && through="a connection to port 25 reached server, which refused it itself"
  pass firewall-runtime "$seenx; and it lets SMTP through: $through."
else
  fail firewall-runtime "$seen25." "Press Check again; if this persists, make sure firewalld runs on server."
fi

# --- firewall-permanent ---------------------------------------------------------------------------
runtime_open=1
[ $filtering -eq 0 ] && { [ "$reach" = open ] || [ "$reach" = refused ]; } && runtime_open=0
if [ "$perm_state" = error ]; then
  fail firewall-permanent "$perm_seen." \
    "firewalld must be able to load its saved configuration: firewall-cmd --check-config names the broken file; firewall-cmd --permanent --list-all shows what it would load."
elif [ "$perm_state" = accept-all ]; then
  fail firewall-permanent "In firewalld's saved configuration $perm_seen." \
    "After a reload or a reboot the firewall would let everything in: keep a zone that rejects what it does not allow (public) and allow only the smtp service, with --permanent."
elif [ "$perm_state" = closed ] && [ $runtime_open -eq 0 ]; then
  fail firewall-permanent "The running firewall lets port 25 through, but in its saved configuration $perm_seen: the next firewall-cmd --reload or reboot closes port 25 again." \
    "A firewall-cmd change without --permanent lasts only until firewalld reloads: add the smtp service to the permanent configuration too (firewall-cmd --permanent ..., or firewall-cmd --runtime-to-permanent)."
elif [ "$perm_state" = closed ]; then
  fail firewall-permanent "In firewalld's saved configuration $perm_seen." \
    "Allow the smtp service in firewalld's permanent configuration (--permanent), so that port 25 stays open after a reload or a reboot — and open it in the running firewall too."
elif [ $fw_masked -eq 0 ]; then
  fail firewall-permanent "In the saved configuration $perm_seen, but firewalld is masked on server: it will not run at all." \
    "A masked firewall never starts, so after a reboot server has no firewall: systemctl unmask firewalld, then systemctl enable --now firewalld."
elif [ $fw_enabled -ne 0 ]; then
  fail firewall-permanent "In the saved configuration $perm_seen, but firewalld is not enabled on server, so after a reboot it does not start." \
    "The firewall belongs to the permanent setup as much as its zone: systemctl enable --now firewalld."
else
  pass firewall-permanent "In firewalld's saved configuration $perm_seen, and firewalld is enabled at boot: a reload or a reboot keeps port 25 open."
fi

# --- accepts-domain -------------------------------------------------------------------------------
dest_seen="mydestination = $dest"
[ "$dest_x" != "$dest" ] && dest_seen="$dest_seen (expands to $dest_x)"
if [ "$reach" != open ]; then
  fail accepts-domain "$noconv_seen; $dest_seen$note." "$noconv_hint"
elif [ -z "$rcpt_code" ]; then
  fail accepts-domain "$noconv_seen: ${talk_error:-no reply to RCPT TO}." "$noconv_hint"
elif [[ $rcpt_code == 2* ]] && [ -z "$g_took" ] && ! smtpd_accepted $S "$ip_grader" >/dev/null; then
  fail accepts-domain "RCPT TO:<student@example.com> from the grader got $rcpt_code $rcpt_text, but server's postfix logged accepting no recipient from the grader in this check." "$not_postfix_hint"
elif [[ $rcpt_code == 2* ]]; then
  pass accepts-domain "RCPT TO:<student@example.com> from the grader got $rcpt_code $rcpt_text; $dest_seen."
elif [[ $rcpt_text == *"Relay access denied"* ]] && [ $dest_has_domain -eq 0 ]; then
  fail accepts-domain "RCPT TO:<student@example.com> got $rcpt_code $rcpt_text, although $dest_seen$note." \
    "main.cf already names example.com as local, but the running postfix has not read it yet: reload or restart postfix."
elif [[ $rcpt_text == *"Relay access denied"* ]]; then
  fail accepts-domain "RCPT TO:<student@example.com> got $rcpt_code $rcpt_text: server treats example.com as someone else's domain; $dest_seen$note." \
    "The server accepts mail as final destination only for the names in mydestination; RHEL's default lists the host's own names but not the domain itself. Add the domain (refer to \$mydomain), then reload postfix."
elif [[ $rcpt_text == *"User unknown"* ]]; then
  fail accepts-domain "RCPT TO:<student@example.com> got $rcpt_code $rcpt_text; local_recipient_maps = $lrm$note." \
    "example.com is local, but postfix does not find the user student: local_recipient_maps should include the system's users (RHEL's default: proxy:unix:passwd.byname \$alias_maps)."
else
  fail accepts-domain "RCPT TO:<student@example.com> got $rcpt_code $rcpt_text; $dest_seen$note." \
    "Read server's /var/log/maillog for this RCPT (the NOQUEUE or reject line from the grader's address) to see which restriction refused it."
fi

# --- delivered: the grader's message, found in student's mailbox with the queue ID the grader was given
qid=$(grep -oE 'queued as [0-9A-Za-z]+' <<<"$data_text" | awk '{print $3}')
IFS=$'\x1f' read -r _ _ m_msgid _ _ m_qid m_client_ip _ m_has < <(
  mbox_messages --needle "$MAILLAB_NONCE" "$(evidence $S /var/spool/mail/student)" | awk -F'\x1f' '$9 == "1"' | tail -n1
)
msgid="<$MAILLAB_NONCE.smtp@maillab.invalid>"
outcome=$(log_text $S postfix "$msgid" | grep -oE 'status=.*' | tail -n1 | cut -c1-200)
if [ "$reach" != open ]; then
  fail delivered "$noconv_seen, so the check's message could not be sent." "$noconv_hint"
elif [ -z "$rcpt_code" ]; then
  fail delivered "$noconv_seen: ${talk_error:-no reply to RCPT TO}." "$noconv_hint"
elif [[ $rcpt_code != 2* ]]; then
  fail delivered "server refused student@example.com ($rcpt_code $rcpt_text), so the check's message could not be handed over." \
    "Mail for student@example.com is delivered only once the server accepts example.com as its own: see the criterion about example.com."
elif [[ $data_code != 2* ]] || [ -z "$qid" ]; then
  fail delivered "server accepted the recipient but not the message: ${data_code:-no reply} ${data_text:-$talk_error}." \
    "Read server's /var/log/maillog for the grader's connection to see why the message itself was refused."
elif [ "$m_has" = 1 ] && [ "$m_qid" = "$qid" ] && [ "$m_client_ip" = "$ip_grader" ] &&
  { [ "$g_took" != "$qid" ] || ! log_text $S postfix "$msgid" | grep -qE "^postfix/local: $qid: .*status=sent "; }; then
  fail delivered "The check's message (queued as $qid) is in student's mailbox, but server's postfix logged $([ "$g_took" = "$qid" ] && echo "no local delivery of it" || echo "taking no such message from the grader")." \
    "Only postfix's own delivery counts: its smtpd must take the message and its local delivery write the mailbox, not another program. ss -ltnp on server shows which program holds port 25."
elif [ "$m_has" = 1 ] && [ "$m_qid" = "$qid" ] && [ "$m_client_ip" = "$ip_grader" ]; then
  pass delivered "server took the check's message ($MAILLAB_NONCE) from the grader (queued as $qid), and it is in /var/spool/mail/student."
elif [ "$m_has" = 1 ]; then
  fail delivered "A message with this run's token is in student's mailbox, but not the one server took from the grader (queued as $qid): it names queue ID '${m_qid:-none}' and client '${m_client_ip:-none}'." \
    "Only the message the grader hands to postfix counts: let postfix's local delivery write it into student's mailbox."
else
  fail delivered "server took the check's message from the grader (queued as $qid), but it is not in /var/spool/mail/student; postfix logged: ${outcome:-no delivery line}." \
    "Follow queue ID $qid in server's /var/log/maillog (grep $qid /var/log/maillog): the line with status= says where the message went or why it could not be delivered."
fi

# --- rejects-unknown ------------------------------------------------------------------------------
if [ "$reach" != open ]; then
  fail rejects-unknown "$noconv_seen." "$noconv_hint"
elif [ -z "$unknown_code" ]; then
  fail rejects-unknown "$noconv_seen: ${unknown_text:-no reply to RCPT TO}." "$noconv_hint"
elif [[ $unknown_code == 5* && $unknown_text == *"User unknown"* ]] && ! smtpd_refused_now $S "$ip_grader" maillab-nobody@example.com "$unknown_code" >/dev/null; then
  fail rejects-unknown "RCPT TO:<maillab-nobody@example.com> got $unknown_code $unknown_text, but server's postfix logged no such refusal." "$not_postfix_hint"
elif [[ $unknown_code == 5* && $unknown_text == *"User unknown"* ]]; then
  pass rejects-unknown "RCPT TO:<maillab-nobody@example.com>, a user that does not exist, got $unknown_code $unknown_text."
elif [[ $unknown_code == 2* ]]; then
  fail rejects-unknown "RCPT TO:<maillab-nobody@example.com>, a user that does not exist, got $unknown_code $unknown_text; local_recipient_maps = ${lrm:-(empty)}$note." \
    "Postfix accepts mail for any name at example.com and bounces it only later: local_recipient_maps tells smtpd which local users exist so that it refuses the others at RCPT time. RHEL's default does this; an empty value switches it off."
elif [[ $unknown_text == *"Relay access denied"* ]]; then
  fail rejects-unknown "RCPT TO:<maillab-nobody@example.com> got $unknown_code $unknown_text: refused only because example.com is not a local domain yet." \
    "Make the server accept example.com first (see the criterion about example.com); then unknown users must be refused as unknown (550)."
else
  fail rejects-unknown "RCPT TO:<maillab-nobody@example.com>, a user that does not exist, got $unknown_code $unknown_text; local_recipient_maps = ${lrm:-(empty)}$note." \
    "An unknown user at a local domain should get a permanent 550 User unknown: look at local_recipient_maps and unknown_local_recipient_reject_code."
fi

# --- no-open-relay --------------------------------------------------------------------------------
if [ -n "$mynetworks" ]; then
  trusts="mynetworks = $mynetworks"
else
  trusts="mynetworks is not set, so mynetworks_style = ${mynetworks_style:-host} decides whom postfix trusts"
fi
if [ "$reach" != open ]; then
  fail no-open-relay "$noconv_seen." "$noconv_hint"
elif [ -z "$relay_code" ]; then
  fail no-open-relay "$noconv_seen: ${relay_text:-no reply to RCPT TO}." "$noconv_hint"
elif [[ $relay_code == [45]* ]] && ! smtpd_refused_now $S "$ip_grader" outsider@example.net "$relay_code" >/dev/null; then
  fail no-open-relay "RCPT TO:<outsider@example.net> from the grader got $relay_code $relay_text, but server's postfix logged no such refusal." "$not_postfix_hint"
elif [[ $relay_code == [45]* ]]; then
  relay_verdict no-open-relay $S "RCPT TO:<outsider@example.net> from the grader, a stranger, got $relay_code $relay_text."
elif [[ ${relay_restrictions,,} != *unauth_destination* ]]; then
  fail no-open-relay "RCPT TO:<outsider@example.net> from the grader got $relay_code $relay_text: server is an open relay; smtpd_relay_restrictions = ${relay_restrictions:-(empty)}$note." \
    "smtpd_relay_restrictions decides who may send mail on to other domains; it must end by refusing everyone else (defer_unauth_destination, RHEL's default, or reject_unauth_destination)."
elif [ -z "$mynetworks" ] && [ "${mynetworks_style:-host}" != host ]; then
  fail no-open-relay "RCPT TO:<outsider@example.net> from the grader ($ip_grader) got $relay_code $relay_text: server relays for it; $trusts$note." \
    "mynetworks_style = ${mynetworks_style} trusts every host on server's network to relay (postfix 2.10's default in the notes), the grader among them. RHEL 9's compatibility level 2 makes the default host, trusting only the server itself: go back to it, or list the trusted clients in mynetworks."
else
  fail no-open-relay "RCPT TO:<outsider@example.net> from the grader ($ip_grader) got $relay_code $relay_text: server is an open relay; $trusts$note." \
    "Any host may now use the server to send mail to any domain (spammers find such servers within hours): mynetworks lists the clients trusted to relay, and the grader is a stranger. Trust only the server itself, or leave mynetworks at RHEL's default."
fi
