# TLS check, part 3, on the grader: judged from what the grader itself saw (grader-send.sh and
# grader-probe.sh facts: its SMTP message, its TLS handshakes on 993 and 995 and the certificates served,
# its POP3S and IMAPS logins) and from what the engine copied from server: /etc/dovecot (read with the
# grader's own doveconf), the certificate and key files it names under /etc/pki or /etc/dovecot (with
# their modes and owners, as the copy keeps them), firewalld's saved configuration, student's mailbox,
# and the journal (only lines dovecot itself wrote since this run began, so no logger line and no
# earlier session counts).
S=server
t0=${MAILLAB_FACT_t0:-0}
ip_grader=$(ip_of grader)
work=${__MAILLAB_WORK:-/var/lib/maillab/work}
F() { local v="MAILLAB_FACT_$1"; printf '%s' "${!v:-}"; }
# A library error text: b'-ERR …' → -ERR …
unbytes() { sed -E "s/^b'(.*)'$/\1/; s/^b\"(.*)\"$/\1/" <<<"$1"; }
octal() { printf '%04o' "$1"; }

# --- dovecot's settings, as the grader's doveconf reads the copied /etc/dovecot ---------------------
conf=$(evidence $S /etc/dovecot/dovecot.conf)
conf_err=""
if [ -f "$conf" ]; then
  conf_err=$(/usr/bin/doveconf -c "$conf" -n 2>&1 >/dev/null | grep -E 'Fatal|Error' | head -n1 |
    sed "s#$MAILLAB_EVIDENCE/$S##g" | cut -c1-200)
else
  conf_err="no /etc/dovecot/dovecot.conf was copied from server"
fi
ssl_mode=$(dc $S ssl)
cert_set=$(dc $S ssl_cert)
key_set=$(dc $S ssl_key)
# "<path" → path; anything else (the notes' "ssl_cert = /path") names no file.
file_of() { [[ $1 == '<'* ]] && sed -E 's/^<[[:space:]]*//; s/[[:space:]]+$//' <<<"$1"; }
cert_path=$(file_of "$cert_set")
key_path=$(file_of "$key_set")
# in_copy PATH: where the grader holds the copy of server's PATH, if Check copies it (everything under
# /etc/pki and /etc/dovecot; the path is normalised without following links, so it stays there).
in_copy() {
  local p
  [[ $1 == /* ]] || return 1
  p=$(realpath -m -s -- "$1")
  case $p in /etc/pki/* | /etc/dovecot/*) evidence $S "$p" ;; *) return 1 ;; esac
}
cert_copy=$(in_copy "$cert_path")
key_copy=$(in_copy "$key_path")
outside_hint="Check reads certificates and keys where RHEL keeps them: under /etc/pki (certificates in /etc/pki/tls/certs, keys in /etc/pki/tls/private) or /etc/dovecot. Move the files there, point ssl_cert and ssl_key at them, and restart dovecot."

# cert_names FILE: the names a client checks, lowercased, one per line: the DNS names of the
# subjectAltName when the certificate has one, otherwise the CN of its subject.
cert_names() {
  local san
  san=$(/usr/bin/openssl x509 -in "$1" -noout -ext subjectAltName 2>/dev/null | tail -n +2 | tr ',' '\n' |
    sed -nE 's/^[[:space:]]*DNS:[[:space:]]*([^[:space:]]+).*/\1/p')
  if [ -n "$san" ]; then
    tr 'A-Z' 'a-z' <<<"$san" | sed 's/\.$//'
  else
    /usr/bin/openssl x509 -in "$1" -noout -subject -nameopt RFC2253 2>/dev/null |
      sed -E 's/^subject=//' | tr ',' '\n' | sed -nE 's/^CN=(.*)$/\1/p' | tr 'A-Z' 'a-z' | sed 's/\.$//'
  fi
}
cert_cn() {
  /usr/bin/openssl x509 -in "$1" -noout -subject -nameopt RFC2253 2>/dev/null |
    sed -E 's/^subject=//' | tr ',' '\n' | sed -nE 's/^CN=(.*)$/\1/p' | head -n1
}
# names_server: does a list of names (stdin) include one that clients use for server?
names_server() { grep -qxiE 'server\.example\.com|mail\.example\.com|\*\.example\.com'; }
names_line() { paste -sd, - | sed 's/,/, /g'; }

# --- dovecot's own log lines (journald's trusted fields), this run only ------------------------------
dlog=$(daemon_log $S dovecot)
run=$(awk -F'\x1f' -v t0="$t0" '$3 + 0 >= t0 + 0 {print $2}' <<<"$dlog")
dv_fatal=$(awk -F'\x1f' '{print $2}' <<<"$dlog" | grep -E 'Fatal: |Error in configuration' | tail -n1 | cut -c1-200)
ssl_err=$(grep -E "Failed to initialize SSL|Can't load|SSL_CTX|key values mismatch|SSL_accept\(\) failed" <<<"$run" |
  tail -n1 | sed -E 's/: user=<[^>]*>, rip=.*$//' | cut -c1-220)
# tls_lines PROTO: PROTO-login lines about a connection from the grader that completed TLS, in this run
tls_lines() {
  grep -E "^$1-login: " <<<"$run" | grep -F "rip=$ip_grader," | grep -E ', TLS(,|:)' | grep -v 'TLS handshaking'
}
# tls_login PROTO: the last Login line of PROTO-login for the grader over TLS, in this run
tls_login() { tls_lines "$1" | grep -F ': Login: ' | tail -n1; }
g_imap_tls=$(tls_lines imap | tail -n1)
g_pop_tls=$(tls_lines pop3 | tail -n1)
g_imap_login=$(tls_login imap)
g_pop_login=$(tls_login pop3)
impostor_hint="Something other than dovecot answered on server's TLS ports: dovecot's own log has no TLS connection from the grader. Let dovecot serve TLS itself (ssl, ssl_cert and ssl_key in 10-ssl.conf, then restart dovecot) and stop whatever else listens there."

# --- what the grader saw -----------------------------------------------------------------------------
# tls_state STATUS TEXT: ok, blocked (the firewall rejected or dropped it), refused (nothing listens),
# tlsfail (connected, but no TLS handshake), unknown
tls_state() {
  case $1 in
    ok) echo ok ;;
    err)
      case $2 in
        *"Connection refused"*) echo refused ;;
        *"No route to host"* | *"timed out"* | *"timeout"*) echo blocked ;;
        *) echo tlsfail ;;
      esac
      ;;
    *) echo unknown ;;
  esac
}
s993=$(tls_state "$(F tls993)" "$(F tls993_text)")
s995=$(tls_state "$(F tls995)" "$(F tls995_text)")
seen_port() { # seen_port PORT STATE TEXT
  case $2 in
    ok) echo "$1 completed a TLS handshake ($3)" ;;
    refused) echo "$1 refused (nothing listens there)" ;;
    blocked) echo "$1 rejected by the firewall (${3:-no route})" ;;
    tlsfail) echo "$1 connected, but the TLS handshake failed (${3})" ;;
    *) echo "$1 not tried" ;;
  esac
}
ports_seen="the grader's TLS connections to server: $(seen_port 993 "$s993" "$(F tls993_text)"), $(seen_port 995 "$s995" "$(F tls995_text)")"
# Is dovecot running? 143 (allowed since the dovecot lesson) answers when it is.
case $(F p143) in
  connected) dovecot_up=yes ;;
  refused) dovecot_up=no ;;
  *) dovecot_up=unknown ;;
esac

# --- firewalld's saved configuration: does the zone of eth0 allow 993 and 995? ----------------------
perm=$(/usr/bin/python3 - "$(evidence $S /etc/firewalld)" "$(evidence $S /usr/lib/firewalld)" <<'PY'
import os, re, sys
etc, usr = sys.argv[1], sys.argv[2]
PORTS = {995: "pop3s", 993: "imaps"}
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
# A filtering firewall counts as firewalld's only while systemd's journal says firewalld runs.
fw=$(firewalld_filters $S "$(F px)" "$(F px_text)")
seenx=$(field 2 <<<"$fw")
filtering=1
[ "$(field 1 <<<"$fw")" = yes ] && filtering=0

# --- why no TLS: every cause the configuration and the network show, each with its hint -------------
causes=()
if [ -n "$conf_err" ]; then
  causes+=("doveconf cannot read server's dovecot configuration ($conf_err): fix the line it names (doveconf -n on server shows the same), then restart dovecot.")
fi
if [ "$s993" = blocked ] || [ "$s995" = blocked ]; then
  if [ "$perm_state" = allows ]; then
    causes+=("firewalld's saved (--permanent) configuration allows pop3s and imaps, but the running firewall does not: --permanent changes only what firewalld loads next; load it now with firewall-cmd --reload.")
  else
    causes+=("firewalld on server rejects 993 and 995: add the pop3s and imaps services, in the saved configuration (--permanent) and in the running firewall (then firewall-cmd --reload).")
  fi
fi
if [ "$ssl_mode" = no ]; then
  causes+=("ssl = no in 10-ssl.conf: dovecot does not even listen on 993 and 995. Set ssl = required (or yes) and restart dovecot.")
elif [ "$s993" = refused ] || [ "$s995" = refused ]; then
  if [ $dovecot_up = yes ]; then
    causes+=("dovecot answers on 143 but nothing listens on 993/995, although its files say ssl = ${ssl_mode:-?}: the running dovecot still has the settings it read at its start; restart dovecot.")
  elif [ $dovecot_up = no ]; then
    causes+=("dovecot is not running${dv_fatal:+ (its log: $dv_fatal)}: systemctl status dovecot and journalctl -u dovecot say why; fix that and start it.")
  else
    causes+=("nothing listens on 993/995, although dovecot's files say ssl = ${ssl_mode:-?}: if dovecot runs, restart it (it keeps the settings it read at its start); if not, systemctl status dovecot and journalctl -u dovecot say why${dv_fatal:+ (its log: $dv_fatal)}.")
  fi
fi
no_angle=1
{ [ -n "$cert_set" ] && [ -z "$cert_path" ]; } && no_angle=0
{ [ -n "$key_set" ] && [ -z "$key_path" ]; } && no_angle=0
if [ $no_angle -eq 0 ]; then
  causes+=("dovecot's configuration says ssl_cert = ${cert_set:-(empty)}, ssl_key = ${key_set:-(empty)}: without the < dovecot takes the path itself as the PEM text and loads no certificate. Write ssl_cert = </path and ssl_key = </path, then restart dovecot.")
elif [ -z "$cert_set" ] || [ -z "$key_set" ]; then
  unnamed=certificate
  [ -n "$cert_set" ] && unnamed=key
  causes+=("dovecot's configuration names no $unnamed (ssl_cert = ${cert_set:-(empty)}, ssl_key = ${key_set:-(empty)}): name both in 10-ssl.conf with ssl_cert = </path and ssl_key = </path.")
fi
if { [ "$s993" = tlsfail ] || [ "$s995" = tlsfail ]; } && [ $no_angle -ne 0 ]; then
  if [ -n "$ssl_err" ]; then
    causes+=("dovecot cannot use its certificate or key; its log says: $ssl_err. Check the files ssl_cert and ssl_key name (openssl x509 -in, openssl pkey -in), then restart dovecot.")
  elif [ ${#causes[@]} -eq 0 ]; then
    causes+=("993 and 995 accept connections but complete no TLS handshake, and dovecot logged no reason: journalctl -u dovecot and openssl s_client -connect server.example.com:993 on server show what answers there.")
  fi
fi
[ ${#causes[@]} -gt 0 ] || causes+=("journalctl -u dovecot and openssl s_client -connect server.example.com:993 on server show what goes wrong.")
tls_hint="${causes[*]}"
no_tls_seen="dovecot served no certificate to the grader ($ports_seen; ssl = ${ssl_mode:-?} in server's configuration)"

# --- tls-handshake -------------------------------------------------------------------------------------
both_ok=1
[ "$s993" = ok ] && [ "$s995" = ok ] && both_ok=0
dovecot_tls=1
[ -n "$g_imap_tls" ] && [ -n "$g_pop_tls" ] && dovecot_tls=0
if [ $both_ok -eq 0 ] && [ $dovecot_tls -ne 0 ]; then
  unlogged=""
  [ -n "$g_imap_tls" ] || unlogged="IMAPS (993)"
  [ -n "$g_pop_tls" ] || unlogged="${unlogged:+$unlogged and }POP3S (995)"
  fail tls-handshake "The grader's handshakes on 993 and 995 worked, but dovecot logged no TLS connection from the grader ($ip_grader) on $unlogged." "$impostor_hint"
elif [ $both_ok -eq 0 ] && [ $filtering -ne 0 ]; then
  fail tls-handshake "993 and 995 completed TLS handshakes, but $seenx." \
    "Switching the firewall off opens every port, not just the TLS ones: keep firewalld running with RHEL's public zone, and allow the pop3s and imaps services."
elif [ $both_ok -eq 0 ] && [ "$perm_state" = missing ]; then
  fail tls-handshake "993 and 995 completed TLS handshakes now, but in firewalld's saved configuration $perm_seen: the next firewall-cmd --reload or reboot closes them again." \
    "A firewall-cmd change without --permanent lasts only until firewalld reloads: add pop3s and imaps to the permanent configuration too (firewall-cmd --permanent ..., or firewall-cmd --runtime-to-permanent)."
elif [ $both_ok -eq 0 ] && [ "$perm_state" = accept-all ]; then
  fail tls-handshake "993 and 995 completed TLS handshakes, but in firewalld's saved configuration $perm_seen." \
    "After a reload or a reboot the firewall would let everything in: keep a zone that rejects what it does not allow (public), and allow only the services you need, with --permanent."
elif [ $both_ok -eq 0 ] && [ "$perm_state" != allows ]; then
  fail tls-handshake "993 and 995 completed TLS handshakes, but $perm_seen." \
    "firewalld must be able to load its saved configuration: firewall-cmd --check-config names the broken file; firewall-cmd --permanent --list-all shows what it would load."
elif [ $both_ok -eq 0 ]; then
  pass tls-handshake "993 and 995 completed TLS handshakes ($(F tls993_text)) with dovecot, which logged the grader's TLS connections (${g_pop_tls%%, session=*}); firewalld filters, and in its saved configuration $perm_seen."
else
  fail tls-handshake "$ports_seen; in server's configuration ssl = ${ssl_mode:-?}, ssl_cert = ${cert_set:-(empty)}." "$tls_hint"
fi

# --- cert-names-server ---------------------------------------------------------------------------------
served_sha=$(F tls993_sha)
[ -n "$served_sha" ] || served_sha=$(F tls995_sha)
served_subject=$(F tls993_subject)
[ -n "$served_subject" ] || served_subject=$(F tls995_subject)
served_pem=$work/served-993.pem
[ -s "$served_pem" ] || served_pem=$work/served-995.pem
# Keys and certificates on server before the student had a shell (fingerprinted on this grader by
# maillab when the lab was ready: keysBeforeStudent): postfix's, dovecot's own, anything the image or
# setup made. A certificate whose public key is among them is not the student's.
keys_before=/var/lib/maillab/state/keys-before/$S
made_before=""
if [ -s "$served_pem" ] && [ -f "$keys_before" ]; then
  served_key=$(/usr/bin/openssl x509 -in "$served_pem" -noout -pubkey 2>/dev/null |
    /usr/bin/openssl pkey -pubin -outform DER 2>/dev/null | /usr/bin/sha256sum | cut -d' ' -f1)
  made_before=$(awk -v k="$served_key" '$1 == k {print $2}' "$keys_before" | sort -u | paste -sd, - | sed 's/,/, /g')
fi
made_before_hint="The lesson asks for a key and certificate you make yourself (openssl req -x509 with a new key, for the server's names): a key that was there before you began, made by a package, by dovecot-init or by the lab, is not yours. Make a new one, name both files in 10-ssl.conf, and restart dovecot."
any_ok=1
{ [ "$s993" = ok ] || [ "$s995" = ok ]; } && any_ok=0
any_dovecot=1
{ [ -n "$g_imap_tls" ] || [ -n "$g_pop_tls" ]; } && any_dovecot=0
# Certificates on server newer than the one configured that name the server: the new one, forgotten?
# (postfix's own postfix.pem, made when postfix first started, is not the student's.)
others=""
if [ -n "$cert_copy" ] && [ -f "$cert_copy" ]; then
  while IFS= read -r f; do
    [ "$f" = "$cert_copy" ] && continue
    grep -q -- '-----BEGIN CERTIFICATE-----' "$f" 2>/dev/null || continue
    cert_names "$f" | names_server && others="$others ${f#"$MAILLAB_EVIDENCE/$S"}"
  done < <(find "$(evidence $S /etc/pki)" "$(evidence $S /etc/dovecot)" -type f -size -20k -newer "$cert_copy" \
    -not -path '*/ca-trust/*' -not -name postfix.pem 2>/dev/null | sort)
fi
others=${others# }

if [ $any_ok -ne 0 ]; then
  fail cert-names-server "No certificate to look at: $no_tls_seen." "$tls_hint"
elif [ $any_dovecot -ne 0 ]; then
  fail cert-names-server "A certificate was served ($served_subject), but dovecot logged no TLS connection from the grader ($ip_grader)." "$impostor_hint"
elif [ "$s993" = ok ] && [ "$s995" = ok ] && [ "$(F tls993_sha)" != "$(F tls995_sha)" ]; then
  fail cert-names-server "993 serves $(F tls993_subject) and 995 serves $(F tls995_subject): two different certificates." \
    "One server, one certificate: set ssl_cert and ssl_key once in 10-ssl.conf for every protocol, not per protocol, and restart dovecot."
elif [ -z "$cert_path" ]; then
  fail cert-names-server "dovecot serves $served_subject, but server's configuration names no certificate file: ssl_cert = ${cert_set:-(empty)}." "$tls_hint"
elif [ -z "$cert_copy" ]; then
  fail cert-names-server "dovecot serves $served_subject; ssl_cert = <$cert_path, outside /etc/pki and /etc/dovecot, where Check reads certificates." "$outside_hint"
elif [ ! -f "$cert_copy" ]; then
  fail cert-names-server "dovecot serves $served_subject, but ssl_cert names $cert_path, which does not exist on server${MAILLAB_COPY_server:+ (copy: $MAILLAB_COPY_server)}." \
    "The running dovecot read a certificate that is no longer where its configuration says: put the certificate at the path ssl_cert names (a regular file, not a link) and restart dovecot."
else
  cf=$(cert_file "$cert_copy")
  conf_sha=$(field 2 <<<"$cf")
  names=$(cert_names "$cert_copy")
  cn=$(cert_cn "$cert_copy")
  san_names=$(/usr/bin/openssl x509 -in "$cert_copy" -noout -ext subjectAltName 2>/dev/null | tail -n +2 | sed -E 's/^[[:space:]]+//' | head -n1)
  if [ "$(field 1 <<<"$cf")" != cert ]; then
    fail cert-names-server "dovecot serves $served_subject, but $cert_path, which ssl_cert names, holds no PEM certificate ($(field 2 <<<"$cf"))." \
      "ssl_cert must name a PEM certificate (-----BEGIN CERTIFICATE-----), as openssl req -x509 -out writes it; then restart dovecot."
  elif [ "$conf_sha" != "$served_sha" ]; then
    fail cert-names-server "dovecot serves $served_subject, but $cert_path, which ssl_cert names, holds another certificate ($(field 3 <<<"$cf"))." \
      "dovecot reads its certificate and key when it starts: it still serves the old ones. Restart dovecot (systemctl restart dovecot) after changing ssl_cert, ssl_key or the files they name."
  elif ! names_server <<<"$names"; then
    seen="dovecot serves $cert_path ($served_subject${san_names:+; $san_names}), which names $(names_line <<<"$names"), not server.example.com or mail.example.com"
    if [ -n "$others" ]; then
      fail cert-names-server "$seen; a certificate that names the server is in $others." \
        "You made a certificate for the server, but ssl_cert still names $cert_path: point ssl_cert (and ssl_key, at its key) in 10-ssl.conf at the new files, then restart dovecot."
    elif [ -n "$san_names" ] && grep -qxiE 'server\.example\.com|mail\.example\.com' <<<"$cn"; then
      fail cert-names-server "$seen: its CN is $cn, but it has a subjectAltName." \
        "A client reads a certificate's subjectAltName when it has one and then ignores the CN: put DNS:server.example.com (and DNS:mail.example.com) into the subjectAltName too."
    elif grep -qxiE 'localhost(\.localdomain)?|127\.0\.0\.1' <<<"$names"; then
      fail cert-names-server "$seen." \
        "A certificate made for localhost names no host that clients connect to: they compare the name they asked for (server.example.com) with the certificate's names and refuse it. Make a new one with -subj \"/CN=server.example.com\" and -addext subjectAltName=DNS:server.example.com,DNS:mail.example.com."
    else
      fail cert-names-server "$seen." \
        "Clients compare the name they connect to (server.example.com, or mail.example.com) with the names in the certificate and refuse a certificate for another host. Make one for the server: -subj \"/CN=server.example.com\" -addext subjectAltName=DNS:server.example.com,DNS:mail.example.com, and name it in ssl_cert."
    fi
  elif [ -n "$made_before" ]; then
    fail cert-names-server "dovecot serves $cert_path, which names $(names_line <<<"$names"), but its key was on server before you began, in $made_before." "$made_before_hint"
  elif ! /usr/bin/openssl x509 -in "$cert_copy" -noout -checkend 0 >/dev/null 2>&1; then
    fail cert-names-server "dovecot serves $cert_path, which names $(names_line <<<"$names"), but it expired on $(/usr/bin/openssl x509 -in "$cert_copy" -noout -enddate | sed 's/^notAfter=//')." \
      "Clients refuse an expired certificate: make a new one valid for a year (-days 365), and restart dovecot."
  else
    pass cert-names-server "993 and 995 serve the certificate in $cert_path, the file ssl_cert names (SHA-256 ${served_sha:0:16}…); it names $(names_line <<<"$names")${san_names:+ ($san_names)} and is valid until $(/usr/bin/openssl x509 -in "$cert_copy" -noout -enddate | sed 's/^notAfter=//')."
  fi
fi

# --- key-private -------------------------------------------------------------------------------------
# access_problem FILE WHAT: why someone other than root can read FILE (empty when only root can)
access_problem() {
  local mode uid gid owner group
  read -r mode uid gid < <(stat -c '%a %u %g' "$1")
  mode=$((8#$mode))
  owner=$(getent passwd "$uid" | cut -d: -f1)
  group=$(getent group "$gid" | cut -d: -f1)
  if [ $((mode & 8#004)) -ne 0 ]; then
    echo "$2 is world-readable (mode $(octal $mode)): every user on server can read it"
  elif [ $((mode & 8#007)) -ne 0 ]; then
    echo "$2 gives other users access (mode $(octal $mode))"
  elif [ "$uid" -ne 0 ]; then
    echo "$2 belongs to ${owner:-uid $uid}, not root (mode $(octal $mode))"
  elif [ $((mode & 8#070)) -ne 0 ] && [ "$gid" -ne 0 ]; then
    echo "$2 is open to the group ${group:-gid $gid} (mode $(octal $mode))"
  elif [ $((mode & 8#040)) -ne 0 ]; then
    # The group bits of a file with an ACL are its mask, the most any user or group the ACL names may
    # do: with them at r, someone besides root may read it (the engine's copy keeps no ACL, and needs
    # none: a mask without r grants nothing).
    echo "$2 is readable through its group bits (mode $(octal $mode)): by the group ${group:-gid $gid}, or by any user or group an ACL names (getfacl shows them)"
  fi
}
if [ $any_ok -ne 0 ]; then
  fail key-private "No key in use to look at: $no_tls_seen." "$tls_hint"
elif [ $any_dovecot -ne 0 ]; then
  fail key-private "A certificate was served ($served_subject), but dovecot logged no TLS connection from the grader ($ip_grader)." "$impostor_hint"
elif [ -z "$key_path" ]; then
  fail key-private "dovecot serves $served_subject, but server's configuration names no key file: ssl_key = ${key_set:-(empty)}." "$tls_hint"
elif [ -z "$key_copy" ]; then
  fail key-private "ssl_key = <$key_path, outside /etc/pki and /etc/dovecot, where Check reads keys." "$outside_hint"
elif [ ! -f "$key_copy" ]; then
  fail key-private "ssl_key names $key_path, which does not exist on server${MAILLAB_COPY_server:+ (copy: $MAILLAB_COPY_server)}." \
    "The running dovecot read a key that is no longer where its configuration says: put the key at the path ssl_key names (a regular file, not a link) and restart dovecot."
else
  # A key with a passphrase works when ssl_key_password gives it (not the "<file" form).
  kpass=$(dc $S ssl_key_password)
  [[ $kpass == '<'* ]] && kpass=""
  kpub=$(/usr/bin/openssl pkey -in "$key_copy" -pubout -passin "pass:$kpass" 2>/dev/null)
  cpub=$(/usr/bin/openssl x509 -in "$served_pem" -noout -pubkey 2>/dev/null)
  key_problem=$(access_problem "$key_copy" it)
  cert_problem=""
  [ -n "$cert_copy" ] && [ -f "$cert_copy" ] && grep -q -- 'PRIVATE KEY-----' "$cert_copy" &&
    cert_problem=$(access_problem "$cert_copy" "$cert_path, the certificate file ssl_cert names, holds the private key too and")
  key_mode=$(octal "$((8#$(stat -c %a "$key_copy")))")
  if [ -z "$kpub" ]; then
    fail key-private "ssl_key names $key_path, but the grader finds no private key in it that opens without a passphrase." \
      "ssl_key must name the unencrypted PEM private key made with the certificate (openssl req -nodes -keyout ...): openssl pkey -in FILE -noout on server must work without asking for a passphrase."
  elif [ -z "$cpub" ] || [ "$kpub" != "$cpub" ]; then
    fail key-private "The key in $key_path (ssl_key) does not belong to the certificate dovecot serves ($served_subject)." \
      "ssl_key must name the key made together with the certificate ssl_cert names (one openssl req writes both), and dovecot uses them as they were when it started: check that openssl x509 -noout -pubkey -in CERT and openssl pkey -pubout -in KEY print the same key, then restart dovecot."
  elif [ -n "$made_before" ]; then
    fail key-private "The key in $key_path belongs to the certificate dovecot serves, but it was on server before you began, in $made_before: not a key you made." "$made_before_hint"
  elif [ -n "$key_problem" ]; then
    fail key-private "The key in $key_path belongs to the certificate dovecot serves, but $key_problem." \
      "Anyone who can read the private key can pretend to be the server. dovecot reads it as root before it drops privileges, so nobody else needs to: chown root:root and chmod 600 (or 400) the key file, and give no one access through an ACL (getfacl, setfacl -b)."
  elif [ -n "$cert_problem" ]; then
    fail key-private "The key in $key_path belongs to the certificate dovecot serves, but $cert_problem." \
      "A certificate file is public (mode 0644), so it must not hold the private key: anyone who can read it can pretend to be the server. Keep the key in a file of its own, readable by root alone (chmod 600), and the certificate alone in the file ssl_cert names."
  else
    pass key-private "ssl_key = <$key_path holds the private key of the certificate dovecot serves; mode $key_mode, owner root: only root can read it."
  fi
fi

# --- pop3s-fetch and imaps-fetch -----------------------------------------------------------------------
spool=$(evidence $S /var/spool/mail/student)
delivered=1
grep -qF "$MAILLAB_NONCE" "$spool" 2>/dev/null && delivered=0
undelivered_seen="the check's message (Subject maillab check $MAILLAB_NONCE) never reached student's mailbox on server (the grader's SMTP: RCPT ${MAILLAB_FACT_smtp_rcpt:-not sent}, DATA ${MAILLAB_FACT_smtp_data:-not sent}${MAILLAB_FACT_smtp_error:+, $MAILLAB_FACT_smtp_error})."
undelivered_hint="Check mails student@example.com through postfix on server first, so postfix must receive for example.com and deliver into /var/spool/mail/student (systemctl status postfix, journalctl -u postfix, firewall-cmd --list-services shows smtp)."
inbox_hint="The check's message is in /var/spool/mail/student, but dovecot's INBOX does not show it: dovecot must read the spool (mail_location = mbox:~/mail:INBOX=/var/mail/%u in 10-mail.conf); journalctl -u dovecot shows errors about student's mailbox."
login_hint() {
  echo "dovecot refused student's password over TLS ('$1'): journalctl -u dovecot on server says why (auth failed: the password must stay student; a PAM or passdb error: 10-auth.conf)."
}
# fetch_verdict CRITERION NAME(pop3s|imaps) PROTO(pop3|imap) PORT STATE LOGIN-LINE
fetch_verdict() {
  local c=$1 n=$2 proto=$3 port=$4 state=$5 login=$6 label
  label=$(tr 'a-z' 'A-Z' <<<"$n")
  if [ "$(F "${n}_connect")" != ok ]; then
    if [ "$state" = ok ]; then
      fail "$c" "The grader's $label session to $port failed: $(unbytes "$(F "${n}_connect_text")")$(F "${n}_error" | sed 's/^./; &/')." \
        "A TLS handshake on $port works, but no $label session: journalctl -u dovecot on server shows what dovecot says about the grader's connection."
    else
      fail "$c" "No $label session on $port: $no_tls_seen." "$tls_hint"
    fi
  elif [ "$(F "${n}_login")" != ok ]; then
    fail "$c" "Over $label the grader was refused student's login: $(unbytes "$(F "${n}_login_text")")." "$(login_hint "$(unbytes "$(F "${n}_login_text")")")"
  elif [ "$n" = imaps ] && [ "$(F imaps_select)" != ok ]; then
    fail "$c" "Over IMAPS student logged in, but SELECT INBOX failed: $(F imaps_select_text)." "$inbox_hint"
  elif [ "$(F "${n}_needle")" != found ]; then
    if [ $delivered -ne 0 ]; then
      fail "$c" "Over $label student logged in, but $undelivered_seen" "$undelivered_hint"
    else
      count=$(F "${n}_count")
      [ "$n" = imaps ] && count=$(F imaps_select_text)
      fail "$c" "Over $label student logged in and saw ${count:-no} message(s), none of them the check's message, although it is in student's spool." "$inbox_hint"
    fi
  elif [ -z "$login" ]; then
    fail "$c" "The grader's $label session found the check's message, but dovecot logged no $label login of the grader ($ip_grader) over TLS: something other than dovecot answered on $port." "$impostor_hint"
  else
    pass "$c" "Over $label on $port the grader logged in as student and found the check's message ($MAILLAB_NONCE); dovecot logged: ${login%%, session=*}."
  fi
}
fetch_verdict pop3s-fetch pop3s pop3 995 "$s995" "$g_pop_login"
fetch_verdict imaps-fetch imaps imap 993 "$s993" "$g_imap_login"
