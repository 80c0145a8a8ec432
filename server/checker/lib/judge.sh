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
# dc HOST SETTING: doveconf -h of the copied dovecot.conf.
dc() { /usr/bin/doveconf -c "$(evidence "$1" /etc/dovecot/dovecot.conf)" -h "$2" 2>>"$__MAILLAB_WORK/dc-$1.warn"; }

# --- logs: only lines the daemon itself wrote (journald's trusted fields), from the copied journal ---
# daemon_log HOST UNIT [MESSAGE-ID...]: "ident<US>message<US>µs" lines of postfix (or another unit); with
# Message-IDs, only the lines of the queue IDs that carried them. Needs /var/log/journal collected.
daemon_log() {
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
smtp_talk() { __maillab_py smtp "$@"; }
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
smtpd_took() {
  log_text "$1" postfix "$3" | grep -E "^postfix/smtpd: [0-9A-Za-z]+: client=[^ ]*\[${2//./\\.}\]" | head -n1 | sed -E 's/^postfix\/smtpd: ([0-9A-Za-z]+): .*/\1/' | grep .
}
# smtpd_refused HOST CLIENT-IP RCPT CODE [AFTER-MESSAGE-ID]: HOST's smtpd itself refused RCPT TO:<RCPT>
# from CLIENT-IP with CODE ("NOQUEUE: reject: RCPT from …[IP]: CODE … to=<RCPT>"). With
# AFTER-MESSAGE-ID, only a refusal logged after smtpd took that message (this run's, when the check
# sent it first) counts: an older run's line does not. Prints the line.
smtpd_refused() {
  local host=$1 ip=${2//./\\.} rcpt=${3//./\\.} code=$4 after=${5:-} text qid
  text=$(log_text "$host" postfix)
  if [ -n "$after" ]; then
    qid=$(smtpd_took "$host" "$2" "$after") || return 1
    text=$(awk -v q="postfix/smtpd: $qid: client=" 'found {print} index($0, q) == 1 {found = 1}' <<<"$text")
  fi
  grep -E "^postfix/smtpd: NOQUEUE: reject: RCPT from [^ ]*\[$ip\]: $code .*to=<$rcpt>" <<<"$text" | tail -n1 | grep .
}
