# maillab step library, part 2 of 2: only for steps on the hidden grader, the one host students
# cannot reach. It judges (pass/fail) and reads evidence: files the engine copied from student hosts
# into $MAILLAB_EVIDENCE/<host>/<absolute path> (collect steps), evaluated with the grader's own
# binaries, and the lab's daemons as seen over the network. lessons/README.md documents each function.
#
# More environment on the grader:
#   MAILLAB_EVIDENCE        where collect steps put copies (…/server/var/spool/mail/student)
#   MAILLAB_IP_<host>       each host's address as the engine assigned it (not as the host says)
#   MAILLAB_COPY_<host>     what the last copy from <host> left out (missing paths, links, limits)
#   MAILLAB_COPIED_<host>   how many collect steps copied from <host> so far (keys the caches below)
#   MAILLAB_CLAIM_<key>     facts reported by steps on student hosts: quote them, never judge by them
#   MAILLAB_FACT_<key>      facts reported by earlier grader steps

# pass CRITERION OBSERVED
pass() {
  __maillab_clean "${2:-}"
  printf '::maillab::\tpass\t%s\t%s\t\n' "$1" "$REPLY"
}

# fail CRITERION OBSERVED HINT
fail() {
  local observed
  __maillab_clean "${2:-}"
  observed=$REPLY
  __maillab_clean "${3:-}"
  printf '::maillab::\tfail\t%s\t%s\t%s\n' "$1" "$observed" "$REPLY"
}

# verdict CRITERION CONDITION-EXIT-STATUS OBSERVED HINT: pass when the status is 0.
verdict() { if [ "$2" -eq 0 ]; then pass "$1" "$3"; else fail "$1" "$3" "$4"; fi; }

# -I -S: no user site, no PYTHON* variables, no site module (the helpers need only the standard library).
__maillab_py() { MAILLAB_WORK=$__MAILLAB_WORK /usr/bin/python3 -I -S -c "$__MAILLAB_JUDGE_PY" "$@"; }

# evidence HOST PATH: where the copy of PATH from HOST is on the grader (it may not exist).
evidence() { printf '%s/%s%s' "$MAILLAB_EVIDENCE" "$1" "$2"; }

# ip_of HOST: the host's address on the lab network, from the engine.
ip_of() { local var="MAILLAB_IP_$1"; printf '%s' "${!var:-}"; }

# --- postfix configuration, as the grader's postconf reads the copied /etc/postfix ------------------
# pf HOST PARAM: the value postfix on HOST would use (postconf -h), warnings kept apart (pf_warnings).
# pfx HOST PARAM: the same with $names expanded (postconf -xh).
# The grader's own host name must not leak in: unless main.cf sets myhostname, it is HOST's name.
__maillab_pf() {
  local host=$1 flags=$2 param=$3 dir="$MAILLAB_EVIDENCE/$1/etc/postfix" copied="MAILLAB_COPIED_${1//[^A-Za-z0-9_]/_}" override
  [ -f "$dir/main.cf" ] || { printf '%s\n' "(no main.cf copied from $host)" >>"$__MAILLAB_WORK/pf-$host.warn"; return 1; }
  # Whether main.cf sets myhostname is asked once per copy of it (a postconf run each time was half
  # of every pf call).
  local known="$__MAILLAB_WORK/pf-$host-${!copied:-0}.myhostname"
  if [ -f "$known" ]; then
    read -r override <"$known"
  else
    override=set
    /usr/sbin/postconf -c "$dir" -n myhostname 2>/dev/null | grep -q . || override="myhostname=$host.example.com"
    printf '%s\n' "$override" >"$known"
  fi
  local -a args=()
  [ "$override" = set ] || args=(-o "$override")
  /usr/sbin/postconf -c "$dir" "${args[@]}" "$flags" "$param" 2>>"$__MAILLAB_WORK/pf-$host.warn"
}
pf() { __maillab_pf "$1" -h "$2"; }
pfx() { __maillab_pf "$1" -xh "$2"; }
# pf_service HOST SERVICE/TYPE: the master.cf entry (e.g. smtp/inet), empty when there is none.
pf_service() { /usr/sbin/postconf -c "$(evidence "$1" /etc/postfix)" -M "$2" 2>>"$__MAILLAB_WORK/pf-$1.warn"; }
# pf_warnings HOST: what postconf warned while reading HOST's files, as one line ("" when quiet).
pf_warnings() {
  [ -s "$__MAILLAB_WORK/pf-$1.warn" ] || return 0
  sed -E -e 's#^(/usr/sbin/)?postconf: (warning: )?##' -e "s#$MAILLAB_EVIDENCE/$1##g" "$__MAILLAB_WORK/pf-$1.warn" |
    sort -u | head -n 3 | paste -sd';' | sed 's/;/; /g' | cut -c1-300
}
# pf_note HOST: " (postconf warns: …)" to append to a message, or nothing.
pf_note() {
  local w
  w=$(pf_warnings "$1")
  [ -n "$w" ] && printf ' (postconf warns: %s)' "$w"
}

# --- dovecot configuration, as the grader's doveconf reads the copied /etc/dovecot -----------------
# dc HOST SETTING: doveconf -h of the copied configuration, read from a copy whose absolute `!include`
# lines name the copy's files (__maillab_dc_copy, below), so HOST's included files count.
dc() {
  local d
  d=$(__maillab_dc_copy "$1") || d=$(evidence "$1" /etc/dovecot)
  /usr/bin/doveconf -c "$d/dovecot.conf" -h "$2" 2>>"$__MAILLAB_WORK/dc-$1.warn"
}

# --- logs: only lines the daemon itself wrote (journald's trusted fields), from the copied journal ---
# daemon_log HOST UNIT [MESSAGE-ID...]: "ident<US>message<US>µs" lines of postfix (or another unit); with
# Message-IDs, only the lines of the queue IDs that carried them. Needs /var/log/journal collected.
# Nothing for a unit trust_units (below) found running other commands than the image's.
daemon_log() {
  [ -f "$__MAILLAB_WORK/distrust-$1-$2" ] && return 0
  local host=$1 unit=$2
  shift 2
  __maillab_py log "$(evidence "$host" /var/log/journal)" "$unit" "$@"
}
# log_text: daemon_log lines as "ident: message", for grep.
log_text() { daemon_log "$@" | awk -F'\x1f' '{print $1": "$2}'; }
# postfix_outside_unit HOST: how many postfix daemon lines came from outside postfix.service (postfix
# started by hand); such lines are not believed, and a hint should say so.
postfix_outside_unit() { __maillab_py outside "$(evidence "$1" /var/log/journal)"; }
# postfix_fatal HOST: the last fatal or error line postfix wrote on HOST, to say why it is not running.
postfix_fatal() { log_text "$1" postfix | grep -E ': (fatal|error|panic): ' | tail -n1 | cut -c1-200; }

# --- mailboxes ---------------------------------------------------------------------------------------
# mbox_messages [--needle N] FILE...: one line per message: path, subject, message-id, return-path,
# status, qid, client-ip, helo, has-needle (US-separated); see judge.py.
mbox_messages() { __maillab_py mbox "$@"; }

# --- the network, from the grader ----------------------------------------------------------------
# tcp_probe HOST PORT: "connected<US>banner", "refused", "timeout" or "error<US>why".
tcp_probe() { __maillab_py tcp "$1" "$2"; }
# smtp_talk HOST PORT [--helo H] [--starttls] [--auth U P] [--from F] [--rcpt R]... [--data-nonce N]
# greets with this Check's HELO (MAILLAB_PROBE_HELO, drawn below), never a name of the grader's own;
# a --helo given after it wins.
smtp_talk() { __maillab_py smtp "$1" "$2" --helo "$MAILLAB_PROBE_HELO" "${@:3}"; }
# pop3_fetch / imap_fetch HOST PORT USER PASS [--ssl] [--needle N]
pop3_fetch() { __maillab_py pop3 "$@"; }
imap_fetch() { __maillab_py imap "$@"; }
# tls_probe HOST PORT: handshake, then "cert<US>sha256<US>subject"; cert_file FILE: the same for a PEM.
tls_probe() { __maillab_py tls "$@"; }
cert_file() { __maillab_py certfile "$@"; }
# field N: the Nth US-separated field of stdin's first line.
field() { head -n1 | awk -F'\x1f' -v n="$1" '{print $n}'; }

# --- the program a criterion names: is the copied executable the one its package shipped? ----------
# A criterion about postfix, dovecot, mutt, fetchmail or procmail is met only by that program: a check
# that runs /usr/bin/mutt on desktop (or reads what postfix ran) must also know that the file there is
# mutt and not a script in its place. Collect the executable first (collect steps drop links: name the
# real file, e.g. /usr/bin/mutt, /usr/lib/postfix/sbin/master on Debian, /usr/libexec/postfix/master on
# RHEL). The copy is compared with what the grader itself holds, and every host boots from one image:
#   - the package's recorded checksum for that path: dpkg's /var/lib/dpkg/info/*.md5sums on Debian
#     images (md5, path without its leading slash, /bin and /usr/bin both tried: usr-merge), rpm's
#     file digest on RHEL (rpm -qf PATH, then --qf FILEDIGESTS; sha256 on RHEL 9);
#   - the grader's own file at PATH, byte for byte.
# binary_genuine HOST PATH: "genuine<US>how", "missing<US>why" or "differs<US>why"; status 0 only for
# genuine. A program with neither a package record nor a file on the grader is never genuine.
binary_genuine() {
  local host=$1 path=$2 copy refs="" sum want pkg rel left="MAILLAB_COPY_${1//[^A-Za-z0-9_]/_}"
  copy=$(evidence "$host" "$path")
  if [ ! -f "$copy" ]; then
    printf 'missing\x1f%s was not copied from %s%s\n' "$path" "$host" "${!left:+ (${!left})}"
    return 1
  fi
  rel=${path#/}
  if compgen -G '/var/lib/dpkg/info/*.md5sums' >/dev/null; then
    want=$(awk -v a="$rel" -v b="${rel#usr/}" -v c="usr/$rel" '$2 == a || $2 == b || $2 == c {print $1; exit}' /var/lib/dpkg/info/*.md5sums 2>/dev/null)
    if [ -n "$want" ]; then
      sum=$(md5sum <"$copy" | cut -d' ' -f1)
      [ "$sum" = "$want" ] || { printf 'differs\x1f%s on %s is not the file its package shipped (md5 %s, the package says %s)\n' "$path" "$host" "$sum" "$want"; return 1; }
      refs="the package's md5sum"
    fi
  elif command -v rpm >/dev/null 2>&1 && pkg=$(rpm -qf "$path" 2>/dev/null | head -n1) && [ -n "$pkg" ]; then
    want=$(rpm -q --qf '[%{FILENAMES}\t%{FILEDIGESTS}\n]' "$pkg" 2>/dev/null | awk -F'\t' -v p="$path" '$1 == p {print $2; exit}')
    if [ -n "$want" ]; then
      case ${#want} in 32) sum=$(md5sum <"$copy") ;; 40) sum=$(sha1sum <"$copy") ;; 64) sum=$(sha256sum <"$copy") ;; *) sum=$(sha512sum <"$copy") ;; esac
      sum=${sum%% *}
      [ "$sum" = "$want" ] || { printf 'differs\x1f%s on %s is not the file %s shipped (rpm digest %s, the copy %s)\n' "$path" "$host" "$pkg" "$want" "$sum"; return 1; }
      refs="$pkg's rpm digest"
    fi
  fi
  if [ -f "$path" ]; then
    cmp -s "$copy" "$path" || { printf 'differs\x1f%s on %s is not the file this image holds (%s bytes, the image %s)\n' "$path" "$host" "$(stat -c %s "$copy")" "$(stat -c %s "$path")"; return 1; }
    refs="${refs:+$refs and }the image's own copy"
  fi
  [ -n "$refs" ] || { printf 'differs\x1fno package on the grader ships %s, so nothing can vouch for it\n' "$path"; return 1; }
  printf 'genuine\x1f%s on %s matches %s\n' "$path" "$host" "$refs"
}

# --- postfix's own answers on port 25: a program in its place gives the same replies, never these lines
# smtpd_took HOST CLIENT-IP MESSAGE-ID: HOST's smtpd (trusted lines, postfix.service) took the message
# whose cleanup line carries MESSAGE-ID from CLIENT-IP ("QID: client=…[IP]"). Prints the queue ID.
smtpd_took() { log_text "$1" postfix "$3" | __smtpd_client_qid "$2"; }
# __smtpd_client_qid CLIENT-IP: of postfix's log text on stdin, the first queue ID smtpd opened for
# CLIENT-IP ("QID: client=…[IP]"); status 1 when none.
__smtpd_client_qid() {
  grep -E "^postfix/smtpd: [0-9A-Za-z]+: client=[^ ]*\[${1//./\\.}\]" | head -n1 | sed -E 's/^postfix\/smtpd: ([0-9A-Za-z]+): .*/\1/' | grep .
}
# __smtpd_rcpt_refusal CLIENT-IP RCPT CODE: of postfix's log text on stdin, smtpd's last refusal of
# RCPT TO:<RCPT> from CLIENT-IP with CODE; status 1 when none.
__smtpd_rcpt_refusal() {
  grep -E "^postfix/smtpd: NOQUEUE: reject: RCPT from [^ ]*\[${1//./\\.}\]: $3 .*to=<${2//./\\.}>" | tail -n1 | grep .
}
# smtpd_refused HOST CLIENT-IP RCPT CODE [AFTER-MESSAGE-ID]: HOST's smtpd itself refused RCPT TO:<RCPT>
# from CLIENT-IP with CODE ("NOQUEUE: reject: RCPT from …[IP]: CODE … to=<RCPT>"). With
# AFTER-MESSAGE-ID, only a refusal logged after smtpd took that message (this run's, when the check
# sent it first) counts: an older run's line does not. Prints the line.
smtpd_refused() {
  local host=$1 after=${5:-} text qid
  text=$(log_text "$host" postfix)
  if [ -n "$after" ]; then
    qid=$(smtpd_took "$host" "$2" "$after") || return 1
    text=$(awk -v q="postfix/smtpd: $qid: client=" 'found {print} index($0, q) == 1 {found = 1}' <<<"$text")
  fi
  __smtpd_rcpt_refusal "$2" "$3" "$4" <<<"$text"
}


# ===== The grader unnoticed, and policy judged for every class of client ==========================
# Students are root on server and desktop: a trust rule that leaves out just the checker's address
# (or HELO) would pass every probe while the rest of the network relays or logs in in plaintext. So
# checks come from an address nobody can know ahead, and policy is also read from the configuration,
# by the grader's own postfix and doveconf, for every class of client.

__maillab_ip2int() { local IFS=.; set -- $1; printf '%s' $((($1 << 24) | ($2 << 16) | ($3 << 8) | $4)); }
__maillab_int2ip() { printf '%s.%s.%s.%s' $((($1 >> 24) & 255)) $((($1 >> 16) & 255)) $((($1 >> 8) & 255)) $(($1 & 255)); }

# lab_free_addresses [N]: N (default all) addresses of the lab's /28 that no host of the lab holds, in
# random order: neither network, gateway, broadcast, a lab host, nor an address the grader holds.
lab_free_addresses() {
  local route net base size i a taken
  route=$(/usr/sbin/ip -4 route show proto kernel dev eth0 2>/dev/null | head -n1)
  net=${route%% *}
  [[ $net == */* ]] || return 1
  base=$(__maillab_ip2int "${net%/*}")
  size=$((1 << (32 - ${net#*/})))
  taken=" $(/usr/sbin/ip -4 -o addr show dev eth0 | awk '{split($4, a, "/"); printf "%s ", a[1]}')"
  taken+=" $(for v in ${!MAILLAB_IP_*}; do printf '%s ' "${!v}"; done)"
  for ((i = 2; i < size - 1; i++)); do
    a=$(__maillab_int2ip $((base + i)))
    [[ $taken == *" $a "* ]] || printf '%s\n' "$a"
  done | shuf -n "${1:-$size}"
}

# A fresh address per Check: drawn when the Check's first grader step loads this library, recorded in
# the work directory (emptied before each Check) and kept by its later steps. The subnet route's
# `src` makes it the source of every connection into the lab, the lessons' own probes included;
# MAILLAB_IP_grader becomes it, so `ip_of grader` is the address the lab's servers saw. The grader's
# own address (drawn per lab by the runtime) stays for the engine, but never probes.
__maillab_probe_from() {
  local work=/var/lib/maillab/work addr route net old
  [ -d "$work" ] && [ -x /usr/sbin/ip ] || return 0
  if [ -s "$work/probe-from" ]; then
    read -r addr <"$work/probe-from"
  else
    addr=$(lab_free_addresses 1) || return 0
    [ -n "$addr" ] || return 0
    route=$(/usr/sbin/ip -4 route show proto kernel dev eth0 | head -n1)
    net=${route%% *}
    /usr/sbin/ip addr add "$addr/32" dev eth0 2>/dev/null || return 0
    /usr/sbin/ip route replace "$net" dev eth0 proto kernel scope link src "$addr" || return 0
    for old in $(/usr/sbin/ip -4 -o addr show dev eth0 | awk '$4 ~ /\/32$/ {print $4}'); do
      [ "$old" = "$addr/32" ] || /usr/sbin/ip addr del "$old" dev eth0 2>/dev/null
    done
    printf '%s\n%s\n' "$addr" "probe$(shuf -i 1000-9999 -n1).example.net" >"$work/probe-from"
  fi
  export MAILLAB_IP_grader=$addr
  MAILLAB_PROBE_HELO=$(sed -n 2p "$work/probe-from")
  export MAILLAB_PROBE_HELO=${MAILLAB_PROBE_HELO:-probe.example.net}
}
__maillab_probe_from

# policy_addresses HOST...: one address per class of client for a policy question, "class<US>address":
# loopback, each named lab host, three random free addresses of the lab network (`other`), and two
# from the documentation ranges (`outside`, RFC 5737), drawn once per Check.
policy_addresses() {
  local work=/var/lib/maillab/work h
  if [ ! -s "$work/policy-others" ]; then
    lab_free_addresses 3 >"$work/policy-others"
    printf '192.0.2.%s\n198.51.100.%s\n' "$(shuf -i 1-254 -n1)" "$(shuf -i 1-254 -n1)" >"$work/policy-outside"
  fi
  printf 'loopback\x1f127.0.0.1\n'
  for h; do printf '%s\x1f%s\n' "$h" "$(ip_of "$h")"; done
  sed 's/^/other\x1f/' "$work/policy-others"
  sed 's/^/outside\x1f/' "$work/policy-outside"
}

# pf_relay_for HOST ADDR...: would postfix, loaded with HOST's copied /etc/postfix, let a client at
# ADDR relay? The grader's own postfix runs the copy (paths under /etc/postfix pointed at it, maps
# rebuilt from their sources by the grader's postmap, daemons and directories the grader's own, the
# master.cf the grader's own with the copy's smtp/inet -o options), and is asked over XCLIENT as
# each ADDR: RCPT TO a foreign domain. No login and no TLS: SASL and TLS are off in the copy, since
# the question is who may relay without logging in, and any client may start TLS.
# One line per ADDR: "ADDR<US>relays|refused|error<US>reply".
# MAILLAB_POLICY_FROM/_RCPT/_HELO, when set, replace the null sender, the foreign RCPT and the HELO.
pf_relay_for() {
  local host=$1 src d port opts line name value
  shift
  src=$(evidence "$host" /etc/postfix)
  d=/var/lib/maillab/work/pf-relay-$host
  if [ ! -f "$src/main.cf" ]; then
    for a; do printf '%s\x1f%s\x1f%s\n' "$a" error "no main.cf copied from $host"; done
    return 1
  fi
  rm -rf "$d" && mkdir -p "$d" && cp -a "$src/." "$d/"
  find "$d" \( -name '*.db' -o -name '*.lmdb' -o -name '*.cdb' -o -name '*.dir' -o -name '*.pag' \) -delete
  sed -i "s#/etc/postfix\\b#$d#g" "$d/main.cf"
  # Unset, myhostname is looked up from the grader's own name: 1 s per postconf run, and not HOST's.
  # (Read from the file: postconf itself would look it up first.)
  grep -qE '^myhostname[[:space:]]*=' "$d/main.cf" || printf '\nmyhostname = %s.example.com\n' "$host" >>"$d/main.cf"
  # postfix waits about 2 s before reading a main.cf changed within the last second (measured):
  # every edit here is dated back.
  touch -d '-10 sec' "$d/main.cf"
  # The copy's own options for port 25, safe ones only: no daemon, directory, filter or XCLIENT rule.
  opts=()
  while IFS= read -r line; do
    name=${line#smtp/inet/} name=${name%% = *} value=${line#* = }
    [[ $name =~ ^(smtpd_|mynetworks|relay_domains|mydestination|permit_mx_backup_networks|parent_domain_matches_subdomains) ]] || continue
    [[ $name =~ ^smtpd_(authorized_|milters|proxy_|tls_|sasl_|use_tls|enforce_tls|.*xclient|.*xforward) ]] && continue
    opts+=("  -o { $name = ${value//\/etc\/postfix/$d} }")
  done < <(/usr/sbin/postconf -c "$d" -P 'smtp/inet/*' 2>/dev/null)
  port=$(shuf -i 20000-29999 -n1)
  local -a own=()
  for name in queue_directory data_directory daemon_directory command_directory meta_directory \
    shlib_directory mail_owner setgid_group; do
    own+=("$name=$(/usr/sbin/postconf -h "$name")")
  done
  /usr/sbin/postconf -c "$d" -e "${own[@]}" "inet_interfaces=127.0.0.1" "inet_protocols=ipv4" \
    "master_service_disable=" "smtpd_authorized_xclient_hosts=127.0.0.1" "smtpd_milters=" \
    "non_smtpd_milters=" "smtpd_proxy_filter=" "content_filter=" "maillog_file=" \
    "syslog_name=maillab-policy" "import_environment=MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ LANG=C" \
    "alternate_config_directories=" "multi_instance_enable=no" "smtpd_client_connection_count_limit=0" \
    "smtpd_client_connection_rate_limit=0" "smtpd_client_message_rate_limit=0" \
    "smtpd_client_recipient_rate_limit=0" "smtpd_sasl_auth_enable=no" "smtpd_tls_security_level=none" \
    "smtpd_use_tls=no" "smtpd_enforce_tls=no" "smtpd_tls_wrappermode=no" 2>/dev/null
  touch -d '-10 sec' "$d/main.cf"
  /usr/sbin/postconf -c "$d" -nx 2>/dev/null | grep -oE '\b(hash|btree|lmdb|cdb|dbm):[^ ,]+' | sort -u |
    while IFS=: read -r type path; do [ -f "$path" ] && /usr/sbin/postmap -c "$d" "$type:$path" 2>/dev/null; done
  grep -vE '^smtp[[:space:]]+inet' /etc/postfix/master.cf >"$d/master.cf"
  { printf '127.0.0.1:%s inet n - n - - smtpd\n' "$port"; printf '%s\n' "${opts[@]}"; } >>"$d/master.cf"
  touch -d '-10 sec' "$d/master.cf"
  # master itself, not `postfix start`: that runs postfix-script's checks (0.5 s; `postfix stop` 1 s).
  local pidfile master
  pidfile="$(/usr/sbin/postconf -h queue_directory)/pid/master.pid"
  __maillab_policy_stop "$pidfile"
  if ! "$(/usr/sbin/postconf -h daemon_directory)/master" -c "$d" -w >"$d/start.log" 2>&1; then
    for a; do printf '%s\x1f%s\x1f%s\n' "$a" error "postfix would not start with this configuration: $(journalctl -q -t maillab-policy/master -n1 -o cat 2>/dev/null | cut -c1-160)"; done
    return 1
  fi
  MAILLAB_WORK=/var/lib/maillab/work /usr/bin/python3 -I -S -c '
import os, smtplib, sys, time
port, helo, addrs = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
deadline = time.time() + 5
for a in addrs:
    try:
        while True:
            try:
                s = smtplib.SMTP("127.0.0.1", port, timeout=8)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)
        s.ehlo("localhost")
        code, msg = s.docmd("XCLIENT", f"ADDR={a} NAME=[UNAVAILABLE] HELO={helo}")
        if code != 220:
            raise smtplib.SMTPException("XCLIENT: %d %s" % (code, msg.decode("utf-8", "replace")))
        s.ehlo_resp = None
        s.ehlo(helo)
        code, msg = s.mail(os.environ.get("MAILLAB_POLICY_FROM", ""))
        if code == 250:
            code, msg = s.rcpt(os.environ.get("MAILLAB_POLICY_RCPT", "maillab-relay-probe@relay-probe.example.net"))
        s.quit()
        print(a, "relays" if code // 100 == 2 else "refused", "%d %s" % (code, msg.decode("utf-8", "replace")), sep="\x1f")
    except (OSError, smtplib.SMTPException) as err:
        print(a, "error", str(err).replace("\n", " "), sep="\x1f")
' "$port" "${MAILLAB_POLICY_HELO:-${MAILLAB_PROBE_HELO:-probe.example.net}}" "$@"
  __maillab_policy_stop "$pidfile"
}
__maillab_policy_stop() {
  local pid
  read -r pid 2>/dev/null <"$1" || return 0
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait_until 3 bash -c '! kill -0 "$0" 2>/dev/null' "$pid"
  return 0
}

# relay_policy HOST: every address of the classes "other" (free addresses of the lab network) and
# "outside" that postfix on HOST, as its copied configuration stands, lets relay without logging in
# (loopback and desktop are asked too, not judged: lessons differ on desktop). Output: one line per
# such address, "class<US>address<US>reply"; empty when none may. Status 2 when the configuration
# could not be evaluated (the reason on stdout).
relay_policy() {
  local host=$1 cls addr verdict reply errors=""
  declare -A class_of=()
  local -a addrs=()
  while IFS=$'\x1f' read -r cls addr; do
    [ -n "$addr" ] || continue
    class_of[$addr]=$cls
    addrs+=("$addr")
  done < <(policy_addresses desktop)
  local answered=0
  while IFS=$'\x1f' read -r addr verdict reply; do
    cls=${class_of[$addr]:-other}
    answered=$((answered + 1))
    if [ "$verdict" = error ]; then errors=$reply; continue; fi
    [ "$verdict" = relays ] || continue
    [ "$cls" = loopback ] || [ "$cls" = desktop ] && continue
    printf '%s\x1f%s\x1f%s\n' "$cls" "$addr" "$reply"
  done < <(pf_relay_for "$host" "${addrs[@]}")
  [ "$answered" -ge "${#addrs[@]}" ] || errors=${errors:-"no answer from the grader's postfix"}
  if [ -n "$errors" ]; then printf '%s\n' "$errors"; return 2; fi
  return 0
}

# dc_plaintext_for HOST ADDR [LOCAL]: may a client at ADDR log in to dovecot on HOST with a plaintext
# password over a connection without TLS, as HOST's copied configuration stands (the grader's
# doveconf, with the remote/local/protocol filters applied, `!include` files read from the copy)?
# One line per protocol: "imap|pop3<US>allowed|refused|error<US>why".
dc_plaintext_for() {
  local host=$1 addr=$2 local_ip=${3:-$(ip_of "$1")} d proto out
  if ! d=$(__maillab_dc_copy "$host"); then
    printf '%s\x1f%s\x1f%s\n' imap error "no dovecot.conf copied from $host" pop3 error "no dovecot.conf copied from $host"
    return 1
  fi
  for proto in imap pop3; do
    out=$(/usr/bin/doveconf -c "$d/dovecot.conf" -f "remote=$addr" -f "local=$local_ip" -f "protocol=$proto" \
      -h disable_plaintext_auth ssl login_trusted_networks 2>&1)
    if [ $? -ne 0 ]; then
      printf '%s\x1f%s\x1f%s\n' "$proto" error "doveconf: $(head -n1 <<<"$out" | cut -c1-160)"
      continue
    fi
    /usr/bin/python3 -I -S -c '
import ipaddress, sys
proto, addr, local, dpa, ssl, trusted = sys.argv[1:7]
ip = ipaddress.ip_address(addr)
nets = []
for word in trusted.replace(",", " ").split():
    try:
        nets.append(ipaddress.ip_network(word, strict=False))
    except ValueError:
        pass
why = []
secured = ip.is_loopback or addr == local or any(ip in n for n in nets if n.version == ip.version)
if secured:
    verdict = "allowed"
    why.append("trusted as secure (login_trusted_networks or loopback)")
elif ssl == "required":
    verdict, why = "refused", ["ssl = required"]
elif dpa == "yes":
    verdict, why = "refused", ["disable_plaintext_auth = yes"]
else:
    verdict, why = "allowed", [f"disable_plaintext_auth = {dpa}, ssl = {ssl}"]
print(proto, verdict, "; ".join(why), sep="\x1f")
' "$proto" "$addr" "$local_ip" "$(sed -n 1p <<<"$out")" "$(sed -n 2p <<<"$out")" "$(sed -n 3p <<<"$out")"
  done
}

# plaintext_policy HOST: every class of client but loopback and desktop that dovecot on HOST, as its
# copied configuration stands, lets log in with a plaintext password without TLS: one line per class
# and protocol, "class<US>address<US>protocol<US>why"; empty when none may. Status 2 when it could not
# be evaluated (the reason on stdout).
plaintext_policy() {
  local host=$1 cls addr proto verdict why errors=""
  while IFS=$'\x1f' read -r cls addr; do
    case $cls in loopback | desktop | "") continue ;; esac
    while IFS=$'\x1f' read -r proto verdict why; do
      [ "$verdict" = error ] && errors=$why && continue
      [ "$verdict" = allowed ] && printf '%s\x1f%s\x1f%s\x1f%s\n' "$cls" "$addr" "$proto" "$why"
    done < <(dc_plaintext_for "$host" "$addr")
  done < <(policy_addresses desktop)
  if [ -n "$errors" ]; then printf '%s\n' "$errors"; return 2; fi
  return 0
}

# relay_verdict CRITERION HOST OBSERVED: the verdict of a "no one untrusted may relay" criterion whose
# behaviour (OBSERVED, a sentence) already passed: pass, unless HOST's copied configuration lets a
# host on the lab network other than desktop, or a client outside it, relay (relay_policy). Loopback
# and desktop are not judged here: lessons differ on whether desktop may relay.
relay_verdict() {
  local criterion=$1 host=$2 observed=$3 out rc cls addr reply who
  out=$(relay_policy "$host")
  rc=$?
  if [ $rc -eq 2 ]; then
    fail "$criterion" "$observed But the grader's postfix could not be loaded with a copy of $host's configuration to ask it about other clients: $(head -n1 <<<"$out")." \
      "Keep postfix's configuration and every table or list it reads under /etc/postfix, where the check reads it, and make sure postfix starts with it."
    return
  fi
  if [ -z "$out" ]; then
    pass "$criterion" "$observed The grader's postfix, loaded with a copy of $host's configuration, refuses relaying for every other client too: hosts elsewhere on the lab network and outside it."
    return
  fi
  IFS=$'\x1f' read -r cls addr reply <<<"$(head -n1 <<<"$out")"
  case $cls in
    other) who="a host on the lab network that is neither server nor desktop ($addr)" ;;
    *) who="a client outside the lab network ($addr)" ;;
  esac
  fail "$criterion" "$observed Yet as $host's configuration stands, $who may relay: the grader's postfix, loaded with a copy of it and asked as that client, accepted mail for a foreign domain ($reply)." \
    "Someone other than the clients you meant to trust may relay. Trust is judged for every address, not only for the connections you saw: list the clients allowed to relay, rather than carving out the ones you do not want."
}

# plaintext_verdict CRITERION HOST OBSERVED: the same for "an untrusted client cannot log in with a
# plaintext password": pass, unless HOST's copied dovecot configuration lets a host on the lab
# network other than desktop, or a client outside it, do so (plaintext_policy).
plaintext_verdict() {
  local criterion=$1 host=$2 observed=$3 out rc cls addr proto why who
  out=$(plaintext_policy "$host")
  rc=$?
  if [ $rc -eq 2 ]; then
    fail "$criterion" "$observed But the grader's doveconf could not read a copy of $host's configuration to ask it about other clients: $(head -n1 <<<"$out")." \
      "Keep dovecot's configuration, and every file it includes, under /etc/dovecot, where the check reads it."
    return
  fi
  if [ -z "$out" ]; then
    pass "$criterion" "$observed The grader's doveconf, reading a copy of $host's configuration, refuses plaintext logins without TLS to every other client too: hosts elsewhere on the lab network and outside it."
    return
  fi
  IFS=$'\x1f' read -r cls addr proto why <<<"$(head -n1 <<<"$out")"
  case $cls in
    other) who="a host on the lab network that is neither server nor desktop ($addr)" ;;
    *) who="a client outside the lab network ($addr)" ;;
  esac
  fail "$criterion" "$observed Yet as $host's configuration stands, $who may log in over $proto with a plaintext password and no TLS ($why)." \
    "Someone other than the clients you meant to trust may log in in plaintext. Trust is judged for every address, not only for the connections you saw: name the networks you trust, rather than carving out the ones you do not."
}

# __maillab_dc_copy HOST: a copy of HOST's copied /etc/dovecot whose `!include` and `!include_try`
# lines name files of the copy, not the grader's own /etc/dovecot (an absolute include is right work:
# the doveconf of a plain copy read the grader's file instead, or failed on a missing one). Settings'
# values are left as written, so `ssl_cert` still names server's path. One copy per collect.
__maillab_dc_copy() {
  local host=$1 src copied d
  src=$(evidence "$host" /etc/dovecot)
  [ -f "$src/dovecot.conf" ] || return 1
  copied="MAILLAB_COPIED_${host//[^A-Za-z0-9_]/_}"
  d=/var/lib/maillab/work/dc-copy-$host-${!copied:-0}
  if [ ! -f "$d/dovecot.conf" ]; then
    rm -rf "$d" && mkdir -p "$d" && cp -a "$src/." "$d/" || return 1
    find "$d" -type f -exec sed -i -E "s#^([[:space:]]*!include(_try)?[[:space:]]+\"?)/etc/dovecot/#\\1$d/#" {} +
  fi
  printf '%s' "$d"
}
# dc_conf HOST: the dovecot.conf to give doveconf -c for HOST (that copy; the plain evidence when none).
dc_conf() {
  local d
  d=$(__maillab_dc_copy "$1") || d=$(evidence "$1" /etc/dovecot)
  printf '%s/dovecot.conf' "$d"
}


# ===== Where postfix listens: master.cf and main.cf together ========================================
# A master.cf service named host:port binds that host whatever inet_interfaces says, and a bare port
# binds every address inet_interfaces names (measured on postfix 3.7: `127.0.0.1:smtp inet … smtpd`
# with inet_interfaces = all listens on 127.0.0.1:25 only; `0.0.0.0:smtp` with loopback-only listens
# on every address; master ignores `-o inet_interfaces=` on a service line). So where postfix
# listens is read from both files, never from inet_interfaces alone.

# pf_listens HOST: one line per address of each enabled inet service of HOST's copied master.cf,
# "service<US>address<US>port<US>how": address as written (lowercased; `all`, `loopback-only`, a name
# or an IP), port as written, how `master.cf` (the service names its host) or `inet_interfaces`.
# Services master_service_disable names are left out. Nothing when no main.cf was copied.
pf_listens() {
  local host=$1 name type rest addr port ii disabled w
  ii=$(pfx "$host" inet_interfaces) || return 0
  disabled=" $(pf "$host" master_service_disable | tr ',' ' ') "
  while read -r name type rest; do
    [ "$type" = inet ] || continue
    [[ $disabled == *" $name.inet "* || $disabled == *" inet "* ]] && continue
    if [[ $name == *:* ]]; then
      addr=${name%:*} port=${name##*:}
      printf '%s\x1f%s\x1f%s\x1f%s\n' "$name" "${addr,,}" "$port" master.cf
    else
      for w in ${ii//,/ }; do printf '%s\x1f%s\x1f%s\x1f%s\n' "$name" "${w,,}" "$name" inet_interfaces; done
    fi
  done < <(/usr/sbin/postconf -c "$(evidence "$host" /etc/postfix)" -M 2>>"$__MAILLAB_WORK/pf-$host.warn")
}
# loopback_address ADDRESS: status 0 when ADDRESS (as pf_listens prints it) is a loopback one:
# loopback-only, localhost and RHEL's other names for it in /etc/hosts, 127.0.0.0/8, ::1.
loopback_address() {
  local a=${1,,}
  a=${a%.}
  case $a in
    loopback-only | localhost | localhost.localdomain | localhost4 | localhost4.localdomain4 | localhost6 | \
      localhost6.localdomain6 | ip6-localhost | ip6-loopback | '[::1]' | ::1) return 0 ;;
  esac
  [[ $a =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+$ ]]
}
# smtp_port PORT: status 0 when PORT, as master.cf writes it, is SMTP's (25 or smtp).
smtp_port() { [ "$1" = 25 ] || [ "${1,,}" = smtp ]; }


# ===== Units: what systemd on a student host would start, as the engine's copy shows it ===========
# The engine copies no link: a collected path that is a symbolic link is neither copied nor missing
# (MAILLAB_COPY_<host> names it among the first five it left out, but names of other entries may
# crowd it out or imitate it, so that list is not read for it). What the lesson collected from HOST
# in its LAST collect step from HOST (MAILLAB_COPY_<host> says what that one missed) therefore tells:

# unit_path HOST PATH: how PATH stood on HOST when the last collect from HOST copied it: file,
# directory, missing, link (or a device or FIFO: never a unit file either), or unknown when that copy
# was cut short. PATH must be one of that collect step's paths.
unit_path() {
  local host=$1 path=$2 copy note missing
  copy=$(evidence "$host" "$path")
  if [ -f "$copy" ]; then echo file; return; fi
  if [ -d "$copy" ]; then echo directory; return; fi
  note="MAILLAB_COPY_${host//[^A-Za-z0-9_]/_}"
  note=${!note:-}
  # "missing: P1 P2; cut short: …; not copied: …": the missing paths come first and are the lesson's own.
  missing=""
  [[ $note == "missing: "* ]] && missing=" ${note#missing: }" && missing="${missing%%;*} "
  if [[ $missing == *" $path "* ]]; then echo missing; return; fi
  if [[ $note == *"cut short: "* ]]; then echo unknown; return; fi
  echo link
}

# Where systemd reads a unit that the lessons collect, in its own order of precedence (systemd 252:
# /etc/systemd/system before /run/systemd/system before the package's /usr/lib/systemd/system). The
# first that holds UNIT.service decides: a link there is a mask (`systemctl mask` links to /dev/null);
# on the offline image postfix's and saslauthd's unit files sit in /etc/systemd/system, where
# `systemctl mask` refuses ("File … already exists") and `systemctl mask --runtime` writes a link in
# /run that the file in /etc shadows: is-enabled still says enabled, and the unit starts (measured).
UNIT_DIRS=(/etc/systemd/system /run/systemd/system)

# unit_paths UNIT...: the paths a collect step must list (the LAST one from the host, and before any
# large path, so that nothing cuts it short) for unit_enabled, unit_masked and unit_exec_changed.
unit_paths() {
  local u d
  for u; do
    printf '%s\n' "/etc/systemd/system/multi-user.target.wants/$u.service"
    for d in "${UNIT_DIRS[@]}"; do printf '%s\n%s\n' "$d/$u.service" "$d/$u.service.d"; done
  done
}

# unit_masked HOST UNIT: status 0 when UNIT is masked on HOST, printing where ("/etc/systemd/system/
# UNIT.service is a symbolic link"); the first of UNIT_DIRS that holds UNIT.service decides.
unit_masked() {
  local host=$1 unit=$2 d kind
  for d in "${UNIT_DIRS[@]}"; do
    kind=$(unit_path "$host" "$d/$unit.service")
    case $kind in
      missing) continue ;;
      link) printf '%s/%s.service is a symbolic link (systemctl mask%s links it to /dev/null)\n' "$d" "$unit" "$([ "$d" = /run/systemd/system ] && echo ' --runtime')"; return 0 ;;
      unknown) printf 'the copy of %s/%s.service was cut short\n' "$d" "$unit"; return 0 ;;
      *) return 1 ;;
    esac
  done
  return 1
}

# unit_enabled HOST UNIT: status 0 when multi-user.target wants UNIT (systemctl enable's link; a
# regular file there is ignored by systemd, so only a link counts) and UNIT is not masked.
unit_enabled() {
  [ "$(unit_path "$1" "/etc/systemd/system/multi-user.target.wants/$2.service")" = link ] || return 1
  ! unit_masked "$1" "$2" >/dev/null
}

# unit_boot_state HOST UNIT: "enabled", "masked<US>where" or "disabled", for messages and hints.
unit_boot_state() {
  local where
  if where=$(unit_masked "$1" "$2"); then
    printf 'masked\x1f%s\n' "$where"
  elif unit_enabled "$1" "$2"; then
    echo enabled
  else
    echo disabled
  fi
}

# unit_exec_changed HOST UNIT: status 0 when systemd on HOST would run other commands for UNIT than
# the image's own unit does (ExecStart*, ExecReload, ExecStop… added or overridden by a drop-in in
# /etc/systemd/system/UNIT.service.d or /run/systemd/system/UNIT.service.d, or by a unit file in
# /etc or /run in place of the package's), printing what; status 1 when they are the same. A link
# where the copy needs a file (the unit file, a drop-in directory, a drop-in in it) hides what
# systemd would run, and counts as changed. Collect unit_paths UNIT first.
unit_exec_changed() {
  local host=$1 unit=$2 d kind file="" note entry
  local -a dirs=()
  for d in "${UNIT_DIRS[@]}"; do
    kind=$(unit_path "$host" "$d/$unit.service")
    case $kind in
      missing) ;;
      file) [ -n "$file" ] || file=$(evidence "$host" "$d/$unit.service") ;;
      directory) ;;
      *) [ -n "$file" ] || { printf '%s/%s.service is a %s in place of a unit file, so what systemd runs for %s cannot be read\n' "$d" "$unit" "$kind" "$unit"; return 0; } ;;
    esac
    kind=$(unit_path "$host" "$d/$unit.service.d")
    case $kind in
      missing | file) ;;
      directory) dirs+=("$(evidence "$host" "$d/$unit.service.d")") ;;
      *) printf '%s/%s.service.d is a %s, so its drop-ins cannot be read\n' "$d" "$unit" "$kind"; return 0 ;;
    esac
  done
  # A link inside a drop-in directory is left out of the copy; the copy's note names it. The unit
  # paths come first in the collect, so the first entries left out are theirs: any of them counts.
  note="MAILLAB_COPY_${host//[^A-Za-z0-9_]/_}"
  note=${!note:-}
  if [[ $note == *"not copied: "* ]]; then
    note=${note#*not copied: }
    while [ -n "$note" ]; do
      entry=${note%%; *}
      [[ $note == *"; "* ]] && note=${note#*; } || note=""
      if [[ $entry =~ ^(etc|run)/systemd/system/[^/]+\.service\.d/ ]]; then
        printf '%s is a link in a drop-in directory, so what it sets cannot be read\n' "/${entry%%: *}"
        return 0
      fi
    done
  fi
  [ -n "$file" ] || file=$(for d in /usr/lib/systemd/system /lib/systemd/system; do [ -f "$d/$unit.service" ] && echo "$d/$unit.service" && break; done)
  local verdict
  verdict=$(__maillab_py unit-exec "$unit" "$file" "${dirs[@]}")
  [ "$(field 1 <<<"$verdict")" = changed ] || return 1
  printf '%s on %s: %s\n' "$unit.service" "$host" "$(field 2 <<<"$verdict")"
}

# trust_units HOST UNIT...: from here on in this Check, daemon_log (and everything built on it:
# log_text, smtpd_took, smtpd_refused, postfix_fatal) refuses every line of a UNIT whose commands
# were changed (unit_exec_changed): a program started from a drop-in writes lines that look like the
# daemon's. unit_distrusted HOST UNIT says why, for a message. Call it before reading logs.
trust_units() {
  local host=$1 unit why
  shift
  for unit; do
    if why=$(unit_exec_changed "$host" "$unit"); then
      printf '%s\n' "$why" >"$__MAILLAB_WORK/distrust-$host-$unit"
    else
      rm -f "$__MAILLAB_WORK/distrust-$host-$unit"
    fi
  done
}
unit_distrusted() { [ -f "$__MAILLAB_WORK/distrust-$1-$2" ] && cat "$__MAILLAB_WORK/distrust-$1-$2"; }
# ===== firewalld runs: systemd's own word on the unit, and a closed port nobody knows ahead ========
# (lessons/README.md, L3: kill -9 of firewalld leaves its rules in the kernel; port 2 was knowable.)
# closed_port: this Check's closed port, drawn once and kept for its later steps.
closed_port() {
  local f=/var/lib/maillab/work/closed-port
  [ -s "$f" ] || shuf -i 10000-32767 -n1 >"$f" 2>/dev/null || { shuf -i 10000-32767 -n1; return; }
  cat "$f"
}
# unit_last HOST UNIT: systemd's (PID 1's) last word on UNIT.service in HOST's copied journal, by
# catalog MESSAGE_ID: "started|reloaded|starting|stopping|stopped|exited|failed|done<US>message", or none.
unit_last() {
  journalctl -D "$(evidence "$1" /var/log/journal)" -q --no-pager -o json _PID=1 _COMM=systemd "UNIT=$2.service" 2>/dev/null |
    /usr/bin/python3 -I -S -c '
import json, sys
K = dict(zip("39f53479 7b05ebc6 7d4958e8 de5b426a 9d1aaa27 98e32220 be02cf68 d9b373ed 7ad2d189".split(),
             "started reloaded starting stopping stopped exited failed failed done".split()))
last = "none"
for line in sys.stdin:
    try:
        e = json.loads(line)
    except ValueError:
        continue
    k = K.get((e.get("MESSAGE_ID") or "")[:8])
    if k:
        last = k + "\x1f" + (e.get("MESSAGE") or "")
print(last)
'
}
# firewalld_filters HOST PROBE [TEXT]: PROBE, TEXT are tcp_probe's fields for closed_port. Prints
# "yes|down|open|unknown<US>sentence"; status 0 for yes. down: systemd's last word is not "started".
firewalld_filters() {
  local port state said
  port=$(closed_port)
  IFS=$'\x1f' read -r state said <<<"$(unit_last "$1" firewalld)"
  said=${said%.}
  case $state in
    started | reloaded) ;;
    none) printf 'down\x1f%s\n' "systemd's journal on $1 says nothing of firewalld.service starting: firewalld does not run" && return 1 ;;
    *) printf 'down\x1f%s\n' "systemd's last word on firewalld.service in $1's journal is \"$said\": firewalld does not run now" && return 1 ;;
  esac
  case $2 in
    refused | connected) printf 'open\x1f%s\n' "firewalld runs, but a connection to port $port, which no zone of a mail server allows, was ${2/connected/accepted} by $1 itself: nothing filters $1's traffic" && return 1 ;;
    timeout) printf 'yes\x1f%s\n' "firewalld runs, and a connection to port $port was dropped by it" ;;
    error) printf 'yes\x1f%s\n' "firewalld runs, and a connection to port $port was rejected by it (${3:-})" ;;
    *) printf 'unknown\x1f%s\n' "the grader did not report its probe of port $port" && return 1 ;;
  esac
}
# --- Keys: whose they are, and who can read them (rule 9) ----------------------------------------------
# cert_pubkey FILE, key_pubkey FILE [PASS]: SHA-256 of the DER public key of FILE's certificate, or of
# its private key; empty when there is none.
cert_pubkey() { /usr/bin/openssl x509 -in "$1" -noout -pubkey 2>/dev/null | __maillab_pub_sha; }
key_pubkey() { /usr/bin/openssl pkey -in "$1" -pubout -passin "pass:${2:-}" 2>/dev/null | __maillab_pub_sha; }
__maillab_pub_sha() {
  local pem
  pem=$(cat)
  [ -z "$pem" ] || printf '%s\n' "$pem" | /usr/bin/openssl pkey -pubin -outform DER 2>/dev/null | /usr/bin/sha256sum | cut -c1-64
}
# key_made_before HOST SHA: where on HOST that public key was before the student had a shell (the
# keysBeforeStudent list), `, `-separated; empty when nowhere or there is no list.
key_made_before() {
  local list=/var/lib/maillab/state/keys-before/$1
  [ -n "$2" ] && [ -f "$list" ] || return 0
  awk -v k="$2" '$1 == k {print $2}' "$list" | sort -u | paste -sd, - | sed 's/,/, /g'
}
# secret_readers FILE WHAT: why someone besides root can read FILE, a phrase starting with WHAT; empty
# when only root can. The copy keeps no ACL and needs none: a file's group bits are its ACL's mask.
secret_readers() {
  local m u g
  read -r m u g < <(stat -c '%a %u %g' "$1") || return 0
  m=$((8#$m))
  local seen="(mode $(printf '%04o' $m))"
  if ((m & 8#007)); then
    echo "$2 is open to every user $seen"
  elif ((u != 0)); then
    echo "$2 belongs to $(getent passwd "$u" | cut -d: -f1 | grep . || echo "uid $u"), not root $seen"
  elif ((m & 8#070)); then
    echo "$2 is open to the group $(getent group "$g" | cut -d: -f1 | grep . || echo "gid $g") or to users an ACL names $seen"
  fi
}
# ===== A daemon's own lines from this Check: postfix's answers bound to the Check by time ==========
# The probe address is fresh per Check but drawn from the lab's /28 (a dozen free addresses), so an
# earlier Check's lines can carry the same address: a line counts for this Check only when journald
# received it after the Check's first grader step began. Lab hosts share the machine's kernel, hence
# its clock, so the grader's clock and the journal's __REALTIME_TIMESTAMP compare directly.
if [ -d /var/lib/maillab/work ] && [ ! -s /var/lib/maillab/work/check-began ]; then
  date +%s%6N >/var/lib/maillab/work/check-began 2>/dev/null
fi
# check_began: µs since the epoch when this Check's first grader step loaded the library (0 if unknown).
check_began() { cat /var/lib/maillab/work/check-began 2>/dev/null || echo 0; }
# log_text_now HOST UNIT: log_text of UNIT's trusted lines written during this Check. Kept in the work
# directory per collect of HOST, since a judge asks for several of them and each daemon_log call starts
# Python and reads the whole journal cache.
log_text_now() {
  local copied="MAILLAB_COPIED_${1//[^A-Za-z0-9_]/_}" f
  if [ ! -w /var/lib/maillab/work ]; then
    daemon_log "$1" "$2" | awk -F'\x1f' -v t="$(check_began)" '$3 + 0 >= t + 0 {print $1": "$2}'
    return
  fi
  f="/var/lib/maillab/work/now-${1//[^A-Za-z0-9_]/_}-${2//[^A-Za-z0-9_]/_}-${!copied:-0}"
  if [ ! -f "$f" ] || [ "$f" -ot /var/lib/maillab/work/check-began ]; then
    daemon_log "$1" "$2" | awk -F'\x1f' -v t="$(check_began)" '$3 + 0 >= t + 0 {print $1": "$2}' >"$f.tmp" && mv "$f.tmp" "$f"
  fi
  cat "$f"
}
# smtpd_connects HOST CLIENT-IP: how many connections from CLIENT-IP HOST's smtpd itself logged
# ("connect from …[IP]") during this Check; status 1 when none. A program on port 25 in postfix's
# place, or postfix listening on loopback alone, leaves none for the grader's address.
smtpd_connects() {
  local n
  n=$(log_text_now "$1" postfix | grep -cE "^postfix/smtpd: connect from [^ ]*\[${2//./\\.}\]$")
  printf '%s' "$n"
  [ "$n" -gt 0 ]
}
# smtpd_accepted HOST CLIENT-IP: the queue ID smtpd opened for CLIENT-IP during this Check ("QID:
# client=…[IP]", logged when it accepts the first recipient); status 1 when none.
smtpd_accepted() { log_text_now "$1" postfix | __smtpd_client_qid "$2"; }
# smtpd_refused_now HOST CLIENT-IP RCPT CODE: smtpd_refused, for a refusal logged during this Check.
smtpd_refused_now() { log_text_now "$1" postfix | __smtpd_rcpt_refusal "$2" "$3" "$4"; }
# daemon_pids HOST UNIT: UNIT's trusted lines as "pid<US>message<US>µs", to tell which process wrote them.
daemon_pids() { __maillab_py logpid "$(evidence "$1" /var/log/journal)" "$2"; }
