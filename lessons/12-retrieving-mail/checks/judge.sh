# Retrieving-mail check, judged on the grader from what the engine copied from desktop (student's home,
# student's mailbox, /etc/postfix, /etc/passwd, the journal; root's run control files, for hints) and
# from server (student's mailbox, the journal), and from what the grader itself did (its SMTP message,
# the times it noted). Only lines postfix and dovecot themselves wrote count (journald's trusted
# fields). The run control files are read here, by this script, never by the student's programs.
# What desktop says it saw (MAILLAB_CLAIM_*) only appears in messages.
D=desktop
S=server
t0=${MAILLAB_FACT_t0:-0}
t1=${MAILLAB_FACT_t1:-0}
ip_desktop=$(ip_of desktop)
ip_server=$(ip_of server)
fetched_id="<$MAILLAB_NONCE.smtp@maillab.invalid>"
tagged_id="<$MAILLAB_NONCE.lab@maillab.invalid>"
plain_id="<$MAILLAB_NONCE.plain@maillab.invalid>"
said_fetchmail=$(sed -E 's/[ .]+$//' <<<"${MAILLAB_CLAIM_fetchmail_said:-nothing}")
said_mutt=$(sed -E 's/[ .]+$//' <<<"${MAILLAB_CLAIM_mutt_screen:-nothing}")
said_postfix=${MAILLAB_CLAIM_desktop_postfix:-unknown}
# What the engine could not copy of student's files, if anything (links in /etc/postfix do not matter).
copy_note=""
[[ ${MAILLAB_COPY_desktop:-} == *home/student* || ${MAILLAB_COPY_desktop:-} == *spool/mail* ]] &&
  copy_note=" (the copy from desktop: $MAILLAB_COPY_desktop)"

# --- the files, read by the grader's own Python -------------------------------------------------------
read -r -d '' inspect_py <<'PY'
import email, mailbox, os, re, stat, sys

root, nonce, ip_server = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
home = root + "/home/student"
SERVER_NAMES = {"server.example.com", "mail.example.com", "server", "mail", ip_server}


def say(key, value):
    print(f"{key}\t{' '.join(str(value).split())[:300]}")


def shown(path):
    return path[len(root):] if path.startswith(root) else path


# student's uid on desktop, from desktop's own /etc/passwd
uid = None
try:
    for line in open(root + "/etc/passwd", errors="replace"):
        f = line.split(":")
        if len(f) > 3 and f[0] == "student":
            uid = int(f[2])
except (OSError, ValueError):
    pass
say("student_uid", uid if uid is not None else "")


def owner_mode(path):
    st = os.stat(path)
    return st.st_uid, stat.S_IMODE(st.st_mode)


# --- ~/.fetchmailrc ----------------------------------------------------------------------------------
rc = home + "/.fetchmailrc"
if os.path.isfile(rc):
    o, m = owner_mode(rc)
    say("rc", "present")
    say("rc_uid", o)
    say("rc_mode", f"{m:04o}")
    text = open(rc, errors="replace").read()
    words = re.findall(r'"[^"]*"|\'[^\']*\'|[^\s,;:]+', re.sub(r"#.*", "", text))
    words = [w.strip("\"'") for w in words]
    hosts, protos = [], []
    for i, w in enumerate(words[:-1]):
        if w.lower() in ("poll", "server"):  # "skip" entries are polled only when named
            hosts.append(words[i + 1])
        if w.lower() in ("protocol", "proto"):
            protos.append(words[i + 1].lower())
        if w.lower() == "via":
            hosts.append(words[i + 1])
    say("rc_hosts", " ".join(hosts))
    say("rc_server", "yes" if any(h.lower().rstrip(".") in SERVER_NAMES for h in hosts) else "no")
    say("rc_proto", " ".join(protos))
    say("rc_mda", "yes" if re.search(r"(?m)^[^#]*\bmda\b", text) else "no")
else:
    say("rc", "missing")
for who, path in (("root_rc", "/root/.fetchmailrc"), ("root_procmailrc", "/root/.procmailrc"), ("root_muttrc", "/root/.muttrc")):
    say(who, "yes" if os.path.isfile(root + path) else "no")


# --- mutt's configuration: ~/.muttrc (or ~/.mutt/muttrc, ~/.config/mutt/muttrc), read, never run ------
def mutt_commands(text):
    """Commands of a muttrc, each a list of (word, quoted) pairs: quotes, backslashes, # and ;."""
    for line in text.splitlines():
        words, word, quote, quoted, started, i = [], "", None, False, False, 0
        cmds = []
        while i < len(line):
            c = line[i]
            if quote:
                if c == "\\" and quote == '"' and i + 1 < len(line):
                    word += line[i + 1]
                    i += 1
                elif c == quote:
                    quote = None
                else:
                    word += c
            elif c in "\"'":
                quote, quoted, started = c, True, True
            elif c == "\\" and i + 1 < len(line):
                word += line[i + 1]
                started = True
                i += 1
            elif c == "#":
                break
            elif c == ";" or c.isspace():
                if started:
                    words.append((word, quoted))
                word, quoted, started = "", False, False
                if c == ";":
                    cmds.append(words)
                    words = []
            else:
                word += c
                started = True
            i += 1
        if started:
            words.append((word, quoted))
        cmds.append(words)
        for cmd in cmds:
            if cmd:
                yield cmd


mvars, mnotes, seen = {}, [], set()


def expand(value):
    if value.startswith("~/"):
        return "/home/student" + value[1:]
    if value[:1] in "+=" and value:
        folder = expand(mvars.get("folder", "~/Mail"))
        return folder + ("" if folder.endswith("/") else "/") + value[1:]
    return value



def read_muttrc(path, depth):
    if depth > 3 or path in seen or not os.path.isfile(path):
        if depth > 0 and not os.path.isfile(path):
            mnotes.append(f"source {shown(path)}: no such file was copied")
        return
    seen.add(path)
    for cmd in mutt_commands(open(path, errors="replace").read()):
        verb, args = cmd[0][0], cmd[1:]
        if verb == "source" and args:
            target = args[0][0]
            if target.startswith("~/"):
                target = home + target[1:]
            elif target.startswith("/home/student/"):
                target = root + target
            elif not target.startswith("/"):
                target = os.path.join(os.path.dirname(path), target)
            else:
                mnotes.append(f"source {target} is outside student's home: not read")
                continue
            read_muttrc(target, depth + 1)
        elif verb in ("set", "unset", "reset", "toggle"):
            toks = [w for w, _q in args]
            j = 0
            while j < len(toks):
                t = toks[j]
                if verb != "set":
                    mvars.pop(t.lstrip("&"), None)
                    j += 1
                    continue
                if "=" in t:
                    name, _, val = t.partition("=")
                    if val == "" and j + 1 < len(toks):
                        val, j = toks[j + 1], j + 1
                elif j + 1 < len(toks) and toks[j + 1].startswith("="):
                    name, val = t, toks[j + 1][1:]
                    j += 1
                    if val == "" and j + 1 < len(toks):
                        val, j = toks[j + 1], j + 1
                else:
                    name, val = t, "yes"
                    if name.startswith("no"):
                        name, val = name[2:], "no"
                name = name.lstrip("&?")
                if name == "spoolfile":
                    # mutt expands + and = when it reads the line, with folder as it is then
                    mvars["spoolfile_raw"] = val
                    val = expand(val)
                mvars[name] = val
                j += 1


muttrc = ""
for cand in (home + "/.muttrc", home + "/.mutt/muttrc", home + "/.config/mutt/muttrc"):
    if os.path.isfile(cand):
        muttrc = cand
        break
say("muttrc", shown(muttrc))
if muttrc:
    read_muttrc(muttrc, 0)


spool = mvars.get("spoolfile", "")
folder = mvars.get("folder", "")
say("m_spool_set", mvars.get("spoolfile_raw", ""))
say("m_folder", folder)
spool_x = spool
say("m_spool", spool_x)
say("m_backtick", "yes" if "`" in spool + folder else "no")
say("m_notes", "; ".join(mnotes))
url = re.match(r"^(imaps?|pops?)://(?:([^@/]+)@)?(\[[^\]]+\]|[^/:]+)(?::(\d*))?(/.*)?$", spool_x, re.I)
if url:
    scheme = url.group(1).lower()
    user = (url.group(2) or "").split(":")[0]
    user_from = "the URL"
    if not user:
        user = mvars.get("imap_user" if scheme.startswith("imap") else "pop_user", "")
        user_from = "imap_user" if scheme.startswith("imap") else "pop_user"
    if not user:
        user, user_from = "student", "the login name"
    say("m_scheme", scheme)
    say("m_user", user)
    say("m_user_from", user_from)
    say("m_host", url.group(3).lower().rstrip("."))
    say("m_server", "yes" if url.group(3).lower().rstrip(".") in SERVER_NAMES else "no")
    say("m_port", url.group(4) or "")
    say("m_path", url.group(5) or "/")
else:
    say("m_scheme", "")
fs = re.match(r"^(imaps?|pops?)://", expand(folder), re.I) if folder else None
say("m_folder_remote", "yes" if fs else "no")

# --- ~/.procmailrc ------------------------------------------------------------------------------------
prc = home + "/.procmailrc"
if os.path.isfile(prc):
    o, m = owner_mode(prc)
    say("prc", "present")
    say("prc_uid", o)
    say("prc_mode", f"{m:04o}")
    # procmail reads files named by INCLUDERC (and SWITCHRC, never to come back) where it meets the
    # assignment, relative to MAILDIR (procmail's working directory, $HOME unless set): their recipes
    # are student's recipes as much as those written into ~/.procmailrc itself.
    def rc_expand(value, env):
        value = value.strip()
        if len(value) > 1 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        return re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", lambda v: env.get(v.group(1), ""), value)

    def rc_lines(path, label, depth, env):
        try:
            text = open(path, errors="replace").read().replace("\\\n", " ")
        except OSError:
            return [(label + "line 1", f"# INCLUDERC {shown(path)}: no such file was copied")]
        found = []
        for n, raw in enumerate(text.splitlines(), 1):
            found.append((f"{label}line {n}", raw))
            a = re.match(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$", raw)
            if not a:
                continue
            env[a.group(1)] = value = rc_expand(a.group(2), env)
            if a.group(1) in ("INCLUDERC", "SWITCHRC") and value and depth < 3:
                target = os.path.normpath(value if value.startswith("/") else os.path.join(env.get("MAILDIR") or "/home/student", value))
                if target.startswith("/home/student/"):
                    found += rc_lines(root + target, target.replace("/home/student/", "~/", 1) + " ", depth + 1, env)
                if a.group(1) == "SWITCHRC":
                    break
        return found

    numbered = rc_lines(prc, "", 0, {"HOME": "/home/student", "MAILDIR": "/home/student", "LOGNAME": "student", "USER": "student"})
    labels, lines = [n for n, _l in numbered], [ln for _n, ln in numbered]
    recipes, unlocked, global_lock = [], [], False
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if re.match(r"^LOCKFILE\s*=\s*\S", line):
            global_lock = True
        r = re.match(r"^:0(.*)$", line)
        if not r:
            i += 1
            continue
        rest = r.group(1)
        flags = re.match(r"\s*([A-Za-z]*)", rest).group(1)
        locked = ":" in rest
        conds, action, j = [], "", i + 1
        while j < len(lines):
            nxt = lines[j].strip()
            if not nxt or nxt.startswith("#"):
                j += 1
                continue
            if nxt.startswith("*"):
                conds.append(nxt)
                j += 1
                continue
            action = nxt
            break
        kind = "file"
        if action.startswith("|"):
            kind = "pipe"
        elif action.startswith("!"):
            kind = "forward"
        elif action.startswith("{"):
            kind = "block"
        elif action.rstrip().endswith("/") or action.rstrip().endswith("/."):
            kind = "directory"
        elif "c" not in flags and not action:
            kind = "none"
        recipes.append((labels[i], flags, locked, conds, action, kind))
        if kind == "file" and not locked and not global_lock:
            unlocked.append(f"{labels[i]}: {line} … {action}")
        i = j + 1 if kind != "block" else j + 1
    say("prc_recipes", len(recipes))
    say("prc_file_recipes", sum(1 for r in recipes if r[5] == "file"))
    say("prc_dir_recipes", sum(1 for r in recipes if r[5] == "directory"))
    say("prc_unlocked", " | ".join(unlocked))
    say("prc_class", "yes" if any(re.search(r"(?<!\\)\[lab\]", c) for r in recipes for c in r[3]) else "no")
    say("prc_recipes_text", " | ".join(f"{r[0]}: :0{r[1]}{':' if r[2] else ''} {' '.join(r[3])} → {r[4]}" for r in recipes))
else:
    say("prc", "missing")
say("mail_dir", "yes" if os.path.isdir(home + "/Mail") else "no")

# --- where the check's three messages are: student's inbox, or any mailbox in student's home ----------
wanted = {f"<{nonce}.smtp@maillab.invalid>": "fetched", f"<{nonce}.lab@maillab.invalid>": "tagged",
          f"<{nonce}.plain@maillab.invalid>": "plain"}
found = {k: [] for k in wanted.values()}
inbox = root + "/var/spool/mail/student"


def messages(path, data):
    if data.startswith(b"From "):
        try:
            return list(mailbox.mbox(path, create=False))
        except Exception:
            return []
    return [email.message_from_bytes(data)]


files = [inbox] + [os.path.join(d, f) for d, _s, fs in os.walk(home) for f in fs]
for path in files:
    try:
        if not os.path.isfile(path) or os.path.getsize(path) > 32 * 1024 * 1024:
            continue
        data = open(path, "rb").read()
    except OSError:
        continue
    if nonce.encode() not in data:
        continue
    for msg in messages(path, data):
        key = wanted.get((msg.get("Message-ID") or "").strip())
        if not key:
            continue
        where = shown(path)
        parent = os.path.basename(os.path.dirname(path))
        if parent in ("new", "cur", "tmp") and not data.startswith(b"From "):
            where = shown(os.path.dirname(os.path.dirname(path))) + "/ (maildir)"
        if where not in found[key]:
            found[key].append(where)
for key, places in found.items():
    say(f"at_{key}", "; ".join(places))
    say(f"in_inbox_{key}", "yes" if "/var/spool/mail/student" in places else "no")
    say(f"in_folder_{key}", "; ".join(p for p in places if p != "/var/spool/mail/student"))
PY
declare -A E
while IFS=$'\t' read -r key value; do
  [ -n "$key" ] && E[$key]=$value
done < <(/usr/bin/python3 -c "$inspect_py" "$(evidence $D /)" "$MAILLAB_NONCE" "$ip_server")
e() { printf '%s' "${E[$1]:-}"; }

# --- desktop's postfix: what it did with the three messages ------------------------------------------
mbc=$(pf $D mailbox_command)
note=$(pf_note $D)
# One read of the journal for the three messages, then each message's lines by its queue ID.
all_log=$(log_text $D postfix "$fetched_id" "$tagged_id" "$plain_id")
lines_of() {
  local qid
  qid=$(grep -F "message-id=$1" <<<"$all_log" | head -n1 | sed -E 's/^[^:]*: ([0-9A-Za-z]+): .*/\1/')
  [ -n "$qid" ] && grep -E "^[^:]*: $qid: " <<<"$all_log"
}
fetch_log=$(lines_of "$fetched_id")
tagged_log=$(lines_of "$tagged_id")
plain_log=$(lines_of "$plain_id")
# final LOG: the local (or other) delivery line's status=… part
final() { grep -E '^postfix/(local|virtual|pipe|error|smtp|lmtp|discard): [0-9A-Za-z]+: to=' <<<"$1" | tail -n1 | grep -oE 'status=.*' | cut -c1-200; }
fetch_final=$(final "$fetch_log")
tagged_final=$(final "$tagged_log")
plain_final=$(final "$plain_log")
down_seen="desktop's postfix took none of the check's messages (desktop reports postfix as '$said_postfix')"
down_hint="Mail delivered on desktop, fetched or local, goes through desktop's postfix: it must run (systemctl enable --now postfix; systemctl status postfix and journalctl -u postfix say why it does not start)."
if [ -z "$tagged_log$plain_log$fetch_log" ]; then
  fatal=$(postfix_fatal $D)
  [ -n "$fatal" ] && down_seen="$down_seen; its log: $fatal"
fi
if [ -z "$tagged_log$plain_log$fetch_log" ] && [ "$(postfix_outside_unit $D)" -gt 0 ]; then
  down_seen="desktop's postfix runs outside systemd (started by hand with postfix start?), so its log lines cannot be told from forged ones"
  down_hint="Let systemd run postfix, as on any RHEL host: postfix stop, then systemctl enable --now postfix."
fi

# --- dovecot on server: its own log lines since this run began ----------------------------------------
dlog=$(daemon_log $S dovecot)
in_window() { awk -F'\x1f' -v a="$1" -v b="$2" '$3 + 0 >= a + 0 && (b == "" || $3 + 0 < b + 0) {print $1 ": " $2}' <<<"$dlog" | sed -E 's/^dovecot: //'; }
mutt_lines=$(in_window "$t0" "$t1" | grep -F "rip=$ip_desktop,")
fetch_lines=$(in_window "$t1" "" | grep -F "rip=$ip_desktop,")
login_of() { grep -E "(^|: )$1-login: Login: user=<student>" <<<"$2" | tail -n1; }
refusal_of() { grep -E "(^|: )(pop3|imap)-login: " <<<"$1" | grep -vF ': Login: ' | tail -n1 | sed -E 's/^[^:]*: //' | cut -c1-260; }

# --- fetchmailrc ---------------------------------------------------------------------------------------
uid=$(e student_uid)
rc_seen="student's ~/.fetchmailrc on desktop"
root_rc_note=""
[ "$(e root_rc)" = yes ] && root_rc_note=" (root has a /root/.fetchmailrc, but Check runs fetchmail as student, who reads /home/student/.fetchmailrc)"
rc_kind=ok
if [ "$(e rc)" != present ]; then
  rc_kind=missing
elif [ -n "$uid" ] && [ "$(e rc_uid)" != "$uid" ]; then
  rc_kind=owner
elif (( 8#$(e rc_mode) & 8#077 )); then
  rc_kind=mode
elif [ "$(e rc_server)" != yes ]; then
  rc_kind=nopoll
fi
owner_name=$([ "$(e rc_uid)" = 0 ] && echo root || echo "uid $(e rc_uid)")
case $rc_kind in
  missing)
    rc_msg="There is no ~/.fetchmailrc in student's home on desktop$root_rc_note$copy_note."
    rc_hint="fetchmail reads ~/.fetchmailrc of the user who runs it: write it as student (su - student), in /home/student." ;;
  owner)
    rc_msg="$rc_seen belongs to $owner_name, not to student (mode $(e rc_mode))."
    rc_hint="fetchmail refuses a run control file that is not owned by the user who runs it (\"must be owned by you\"): a file written from root's shell stays root's. Give it to student (chown student: ~student/.fetchmailrc), or write it as student." ;;
  mode)
    rc_msg="$rc_seen is mode $(e rc_mode): people other than student may read it, and it holds student's password."
    rc_hint="fetchmail refuses a run control file that anyone but its owner can read or write (\"must have no more than -rwx------ (0700) permissions\"): chmod 600 ~/.fetchmailrc." ;;
  nopoll)
    rc_msg="$rc_seen (mode $(e rc_mode)) polls ${E[rc_hosts]:-no server at all}, not server.example.com."
    rc_hint="fetchmail fetches from the hosts its poll lines name: poll server.example.com (or mail.example.com), with the protocol and student's user name and password on the server." ;;
  *)
    rc_msg="$rc_seen belongs to student, mode $(e rc_mode), and polls $(e rc_hosts)${E[rc_proto]:+ (protocol $(e rc_proto))}." ;;
esac
if [ $rc_kind = ok ]; then pass fetchmailrc "$rc_msg"; else fail fetchmailrc "$rc_msg" "$rc_hint"; fi

# --- fetch ---------------------------------------------------------------------------------------------
server_box=$(evidence $S /var/spool/mail/student)
on_server=$(mbox_messages --needle "$MAILLAB_NONCE" "$server_box" | awk -F'\x1f' '$9 == "1"' | head -n1)
f_login=$(login_of '(pop3|imap)' "$fetch_lines")
f_refused=$(refusal_of "$fetch_lines")
f_where=$(e at_fetched)
f_smtpd=$(grep -E '^postfix/smtpd: [0-9A-Za-z]+: client=' <<<"$fetch_log" | head -n1 | grep -oE 'client=.*')
fm="fetchmail (as student) said: $said_fetchmail"
# fetchmail's run began at t1. The check's message counts as its work only when desktop's postfix first
# took it (smtpd's client= line) after that, and a dovecot session from desktop that began in the run
# read mail (POP3: a TOP or RETR at its end, and fetchmail 6.4 reads with TOP: measured "top=1/44,
# retr=0/0"; IMAP: its login): a program that fetched it beforehand,
# beside a fetchmail that then found nothing, hands it over first. (Two hosts' journals are not ordered
# against each other, journald stamping each line when it receives it, so the session is not held to
# begin before the hand-off.)
handoff=$(daemon_log $D postfix "$fetched_id" | awk -F'\x1f' '$1 == "postfix/smtpd" && $2 ~ /: client=/ {print $3}' | sort -n | head -n1)
run_fetch=$(awk -F'\x1f' -v a="$t1" -v ip="rip=$ip_desktop," '
  $3 + 0 >= a + 0 && index($2, ip) && $2 ~ /(^|: )(pop3|imap)-login: Login: user=<student>/ {
    if ($2 ~ /(^|: )imap-login/) { print "imap"; exit }
    m = $2; sub(/.*mpid=/, "", m); sub(/[^0-9].*/, "", m); s = $2; sub(/.*session=</, "", s); sub(/>.*/, "", s)
    want["pop3(student)<" m "><" s ">: Disconnected"] = 1
  }
  { for (w in want) if (index($2, w) && $2 ~ /(top|retr)=[1-9]/) { print "pop3"; exit } }' <<<"$dlog")
if [ -z "$on_server" ] && [ -z "$f_where" ]; then
  fail fetch "The check's message did not reach student's mailbox on server (SMTP: ${MAILLAB_FACT_smtp_data:-no answer} ${MAILLAB_FACT_smtp_error:-}), so there was nothing to fetch." \
    "Server must still receive mail for student@example.com and keep it in /var/spool/mail/student, as the earlier lessons left it: is postfix running on server (systemctl status postfix)?"
elif [ $rc_kind = missing ] || [ $rc_kind = owner ] || [ $rc_kind = mode ]; then
  fail fetch "fetchmail did not fetch the check's message: $rc_msg $fm." "$rc_hint"
elif [ -z "$f_login" ]; then
  if [[ $f_refused == *"unknown ca"* || $f_refused == *"certificate"* || $said_fetchmail == *"certificate"* ]]; then
    alert=$(grep -oE 'alert [a-z ]+' <<<"$f_refused" | head -n1 | sed -E 's/ +$//')
    fail fetch "fetchmail broke off the TLS handshake with dovecot on server: it did not accept the server's certificate (dovecot logged: ${alert:-${f_refused:-nothing}}). $fm." \
      "fetchmail 6.4 verifies the server's certificate (sslcertck is on by default) and refuses this one: it is self-signed and names imap.example.com, not server.example.com. Trust it explicitly: save it (openssl s_client) and name it with sslcertfile, with sslcommonname for the name it carries, or pin it with sslfingerprint."
  elif [[ $f_refused == *"auth failed"* || $f_refused == *"Authentication failed"* ]]; then
    fail fetch "dovecot refused fetchmail's login from desktop: $f_refused. $fm." \
      "The user and password in ~/.fetchmailrc are those of student's account on server (user student password ...): check both."
  elif [ $rc_kind = nopoll ]; then
    fail fetch "fetchmail did not log in to dovecot on server: $rc_msg $fm." "$rc_hint"
  else
    fail fetch "dovecot on server logged no login from desktop ($ip_desktop) while fetchmail ran${f_refused:+ (only: $f_refused)}. $fm." \
      "fetchmail did not get as far as logging in: read what it says (su - student -c 'fetchmail -v'). The poll line names the server, the protocol (pop3 or imap) and, with ssl, the TLS ports 995/993."
  fi
elif [ -n "$f_where" ] && [ -n "$f_smtpd" ] && [[ $fetch_final == status=sent* ]] && ! fm_bin=$(binary_genuine $D /usr/bin/fetchmail); then
  fail fetch "The check's message was fetched and delivered into $f_where, but by a program Check ran as /usr/bin/fetchmail that is not fetchmail: $(field 2 <<<"$fm_bin")." \
    "Check runs /usr/bin/fetchmail as student and counts the work only when that is fetchmail as its package installed it: put the package's fetchmail back (reinstall it) and let it do the fetching, configured by ~/.fetchmailrc."
elif [ -n "$f_where" ] && [ -n "$f_smtpd" ] && [[ $fetch_final == status=sent* ]] && [ "${handoff:-0}" -lt "$t1" ]; then
  fail fetch "desktop's postfix took the check's message ($f_smtpd) $(((t1 - ${handoff:-0}) / 1000000)) s before Check ran fetchmail, which then fetched nothing of it: something else had fetched it from server first. $fm." \
    "Only fetchmail's own run counts: Check runs it as student and follows the check's message from that run's session on dovecot to desktop's postfix. Stop whatever else fetches student's mail in the background (a fetchmail daemon stops with fetchmail -q), then Check again."
elif [ -n "$f_where" ] && [ -n "$f_smtpd" ] && [[ $fetch_final == status=sent* ]] && [ -z "$run_fetch" ]; then
  fail fetch "desktop's postfix took the check's message ($f_smtpd) while Check ran fetchmail, but no session from desktop that began in that run read mail from dovecot: the message came some other way. $fm." \
    "Only fetchmail's own run counts: Check follows the check's message from the session fetchmail opens on dovecot to desktop's postfix. Let fetchmail, configured by ~/.fetchmailrc, do the fetching, and nothing else."
elif [ -n "$f_where" ] && [ -n "$f_smtpd" ] && [[ $fetch_final == status=sent* ]]; then
  pass fetch "fetchmail logged in to dovecot from desktop (${f_login#*-login: }); desktop's postfix took the check's message over SMTP ($f_smtpd) and delivered it ($fetch_final) into $f_where."
elif [ -n "$f_where" ] && [ -z "$fetch_log" ]; then
  fail fetch "The check's message is in $f_where, but desktop's postfix never handled it: fetchmail delivered it around postfix$([ "$(e rc_mda)" = yes ] && echo ' (~/.fetchmailrc names an mda)')." \
    "Let fetchmail hand what it fetches to desktop's postfix (its default: SMTP to localhost), so that every message on desktop takes the same path: no mda line in ~/.fetchmailrc."
elif [ -z "$fetch_log" ] && [ "$said_postfix" != active ]; then
  fail fetch "fetchmail logged in to dovecot from desktop, but $down_seen. $fm." "$down_hint"
elif [ -z "$fetch_log" ]; then
  fail fetch "fetchmail logged in to dovecot from desktop (${f_login#*-login: }), but desktop's postfix never received the check's message. $fm." \
    "fetchmail logged in but did not hand the check's new message to postfix on desktop: run su - student -c 'fetchmail -v' and read which messages it fetches and where it delivers them."
elif [[ $fetch_final != status=sent* ]]; then
  fail fetch "fetchmail handed the check's message to desktop's postfix, but its delivery ended with ${fetch_final:-no final line yet}." \
    "Postfix took the message but could not deliver it to student on desktop: the status in journalctl -u postfix says why (with mailbox_command = procmail, procmail's own error comes after it)."
else
  fail fetch "desktop's postfix delivered the check's message ($fetch_final), but it is not in student's mailbox on desktop nor in a folder in student's home$copy_note." \
    "fetchmail hands each message to the local user named in the poll entry (is student here, or by default the user who runs fetchmail): it must end up in student's mailbox on desktop."
fi

# --- procmail-filter -----------------------------------------------------------------------------------
t_in=$(e in_inbox_tagged)
t_folder=$(e in_folder_tagged)
p_in=$(e in_inbox_plain)
p_folder=$(e in_folder_plain)
via_procmail() { [[ $1 == "status=sent (delivered to command: "*procmail* ]]; }
# procmail_genuine FINAL: the command postfix's local ran (from its own delivery line) is procmail as
# the package installed it: /usr/bin/procmail (or /bin/procmail, or procmail found on local's PATH,
# /usr/bin:/bin), and the copied /usr/bin/procmail is the package's file. A script named procmail
# elsewhere, or in its place, files mail as well, but it is not procmail. Prints why not.
procmail_genuine() {
  local cmd prog said
  cmd=${1#"status=sent (delivered to command: "}
  cmd=${cmd%)}
  read -r prog _ <<<"$cmd"
  [ "$prog" = exec ] && { read -r _ prog _ <<<"$cmd"; }
  prog=${prog//[\"\']/}
  case $prog in
    /usr/bin/procmail | /bin/procmail | procmail) ;;
    *) echo "$prog is not the procmail its package installed (/usr/bin/procmail)"; return 1 ;;
  esac
  said=$(binary_genuine $D /usr/bin/procmail) || { field 2 <<<"$said"; return 1; }
}
prc_bad=""
if [ "$(e prc)" = present ]; then
  if [ -n "$uid" ] && [ "$(e prc_uid)" != "$uid" ]; then
    prc_bad="~/.procmailrc belongs to $([ "$(e prc_uid)" = 0 ] && echo root || echo "uid $(e prc_uid)"), not student"
  elif (( 8#$(e prc_mode) & 8#022 )); then
    prc_bad="~/.procmailrc is mode $(e prc_mode), writable by others"
  fi
fi
fold_seen="the tagged message went to ${E[at_tagged]:-no mailbox found}, the untagged one to ${E[at_plain]:-no mailbox found}"
if [ -z "$tagged_log$plain_log" ]; then
  fail procmail-filter "$down_seen." "$down_hint"
elif [[ $tagged_final == "status=sent (delivered to mailbox)"* || $plain_final == "status=sent (delivered to mailbox)"* ]]; then
  if [[ $mbc == *procmail* ]]; then
    fail procmail-filter "mailbox_command = $mbc in desktop's main.cf, but postfix still wrote the check's messages into the mailbox itself ($tagged_final)$note." \
      "The running postfix has not read the new mailbox_command yet: systemctl reload postfix."
  else
    fail procmail-filter "Desktop's postfix wrote the check's messages into the mailbox itself ($tagged_final): procmail never saw them (mailbox_command = ${mbc:-(not set)})$note; $fold_seen." \
      "postfix's local delivery runs procmail only when main.cf tells it to: mailbox_command = /usr/bin/procmail (then systemctl reload postfix)."
  fi
elif ! via_procmail "$tagged_final" || ! via_procmail "$plain_final"; then
  fail procmail-filter "Desktop's postfix did not deliver the check's messages through procmail: tagged ${tagged_final:-no final line}, untagged ${plain_final:-no final line} (mailbox_command = ${mbc:-(not set)})." \
    "Local delivery on desktop should hand each message to procmail (mailbox_command = /usr/bin/procmail): journalctl -u postfix shows what happened to each, and procmail's LOGFILE why."
elif [ "$(e prc)" != present ]; then
  root_note=""
  [ "$(e root_procmailrc)" = yes ] && root_note=" (root has a /root/.procmailrc, but procmail runs as the recipient and reads the recipient's)"
  fail procmail-filter "postfix ran procmail for the check's messages, but there is no ~/.procmailrc in student's home$root_note, so both stayed in the inbox." \
    "procmail reads the recipes of the user it delivers for: write /home/student/.procmailrc as student, with a recipe that files messages whose Subject contains [lab]."
elif [ -n "$prc_bad" ] && [ "$t_in" = yes ]; then
  fail procmail-filter "postfix ran procmail, but $prc_bad, and procmail ignores such a file: both messages stayed in the inbox." \
    "procmail skips a ~/.procmailrc that someone other than its user owns or may write to (it could have been planted): chown student: and chmod 644 (or 600) it."
elif [ "$p_in" != yes ] && [ -n "$p_folder" ] && [ "$(e prc_class)" = yes ]; then
  fail procmail-filter "The untagged message was filed too ($p_folder), though its Subject has no [lab]: $fold_seen. Recipes: $(e prc_recipes_text)." \
    "In a procmail condition (a regular expression) [lab] is a character class: any one of the letters l, a or b, which almost every subject contains. Escape the brackets to mean themselves: \\[lab\\]."
elif [ "$p_in" != yes ]; then
  fail procmail-filter "The untagged message did not stay in the inbox: $fold_seen. Recipes: $(e prc_recipes_text)." \
    "Only the tagged message should be filed: a message no recipe matches stays in the inbox (procmail's DEFAULT, /var/spool/mail/student). Check each condition against a subject without [lab]."
elif [ "$t_in" = yes ] || [ -z "$t_folder" ]; then
  hint="Write a recipe whose condition matches a Subject containing [lab] (escape the brackets) and whose action is the folder (a file under ~/Mail); procmail's LOGFILE and VERBOSE=yes show what matched."
  [ "$(e mail_dir)" != yes ] && [ "$(e prc_file_recipes)" != 0 ] && hint="procmail writes into folders but does not make directories: create ~/Mail (mkdir ~/Mail as student), the MAILDIR the recipes' folders are in."
  fail procmail-filter "The tagged message stayed in the inbox or went nowhere in student's home: $fold_seen. Recipes: ${E[prc_recipes_text]:-none}." "$hint"
elif ! pm_bin=$(procmail_genuine "$tagged_final"); then
  fail procmail-filter "Desktop's postfix handed the check's messages to a command ($tagged_final), but $pm_bin." \
    "Only procmail itself counts, as its package installed it (/usr/bin/procmail): name that program in mailbox_command, and let its recipes in ~/.procmailrc do the filing."
else
  pass procmail-filter "Desktop's postfix handed both messages to procmail ($tagged_final); the tagged one was filed in $t_folder, the untagged one stayed in /var/spool/mail/student."
fi

# --- procmail-lock -------------------------------------------------------------------------------------
if [ "$(e prc)" != present ]; then
  fail procmail-lock "There is no ~/.procmailrc in student's home on desktop, so no recipe at all." \
    "Write student's ~/.procmailrc with the recipe that files [lab] messages; a recipe that writes into an mbox folder starts with :0: (a lock)."
elif [ -n "$(e prc_unlocked)" ]; then
  fail procmail-lock "A recipe in ~/.procmailrc writes into an mbox file without a lock: $(e prc_unlocked)." \
    "Without the second colon (:0: instead of :0) procmail writes into the folder without a lock file, so two deliveries at the same moment (postfix runs several, fetchmail hands them over back to back) can interleave and corrupt it. Write :0: for recipes that deliver into a file."
elif [ "$(e prc_file_recipes)" = 0 ] && [ "$(e prc_dir_recipes)" = 0 ]; then
  fail procmail-lock "~/.procmailrc has no recipe that files mail into a folder (recipes: ${E[prc_recipes_text]:-none})." \
    "A recipe is :0: (with the lock), one condition line per test starting with *, then the folder to deliver into."
elif [ "$(e prc_file_recipes)" = 0 ]; then
  pass procmail-lock "The recipes in ~/.procmailrc deliver into maildir folders (a file per message), which need no lock: $(e prc_recipes_text)."
else
  pass procmail-lock "Every recipe in ~/.procmailrc that writes into an mbox file takes a lock: $(e prc_recipes_text)."
fi

# --- mutt ----------------------------------------------------------------------------------------------
# mutt_cache: mutt itself read the INBOX on server: the header cache it kept for this run only
# (desktop-mutt.sh: header_cache in a directory named by the nonce, uncompressed) holds the headers of
# the check's message, which waits nowhere but in student's INBOX on server. Prints what it found.
mutt_cache() {
  local dir
  dir=$(evidence $D "/var/tmp/maillab-mutt/$MAILLAB_NONCE")
  if [ -z "$(find "$dir" -type f -size +0 2>/dev/null | head -n1)" ]; then
    echo "mutt itself kept no headers of any mailbox it read (its header cache for this run is empty)"
    return 1
  fi
  if [ -n "$on_server" ] && ! grep -rqaF "<$MAILLAB_NONCE.smtp@maillab.invalid>" "$dir"; then
    echo "mutt itself never fetched the headers of the check's message, which waits in student's INBOX on server"
    return 1
  fi
  echo "mutt itself fetched the headers of the check's message (its header cache for this run holds them)"
}
scheme=$(e m_scheme)
m_login=""
case $scheme in
  imaps) m_login=$(login_of imap "$mutt_lines" | grep -F ', TLS') ;;
  pops) m_login=$(login_of pop3 "$mutt_lines" | grep -F ', TLS') ;;
esac
m_refused=$(refusal_of "$mutt_lines")
ms="mutt (as student) showed: …$said_mutt"
muttrc=$(e muttrc)
local_spool="not set (the local mailbox, /var/spool/mail/student)"
spool_seen="mutt's spoolfile is ${E[m_spool]:-$local_spool}"
if [ -z "$muttrc" ]; then
  root_note=""
  [ "$(e root_muttrc)" = yes ] && root_note=" (root has a /root/.muttrc, but the mail is student's and so is the mutt that reads it)"
  fail mutt "There is no ~/.muttrc for student on desktop$root_note: mutt opens student's local mailbox." \
    "mutt reads ~/.muttrc of the user who runs it: as student, set spoolfile (the mailbox mutt opens at start) to student's INBOX on server over imaps:// or pops://."
elif [ "$(e m_backtick)" = yes ]; then
  fail mutt "$muttrc sets the mailbox with a command (backticks): ${E[m_spool_set]:-} — Check does not run it." \
    "Write the server's URL itself into spoolfile, e.g. imaps://student@server.example.com/INBOX."
elif [ -z "$scheme" ] && [ "$(e m_folder_remote)" = yes ] && [[ $(e m_spool_set) == [+=]* ]]; then
  fail mutt "In $muttrc, spoolfile = $(e m_spool_set) comes before folder = $(e m_folder): mutt expanded it with the folder it had then, so $spool_seen." \
    "mutt expands + and = in spoolfile when it reads that line: set folder first, then spoolfile (or write the whole URL into spoolfile)."
elif [ -z "$scheme" ] && [ "$(e m_folder_remote)" = yes ]; then
  fail mutt "$muttrc sets folder = $(e m_folder), but $spool_seen: mutt starts in the local mailbox." \
    "folder only says where mutt looks for =name and +name mailboxes; the mailbox it opens at start is spoolfile: set spoolfile too (to +INBOX, or the whole URL)."
elif [ -z "$scheme" ]; then
  fail mutt "In $muttrc, $spool_seen: a file on desktop, not the server.${E[m_notes]:+ ($(e m_notes))}" \
    "Set spoolfile to student's INBOX on server with a URL: imaps://student@server.example.com/INBOX (or pops://student@server.example.com/)."
elif [ "$scheme" = imap ] || [ "$scheme" = pop ]; then
  fail mutt "In $muttrc, $spool_seen: $scheme:// starts in clear text and can only switch to TLS later (STARTTLS/STLS)." \
    "Use ${scheme}s:// — TLS from the first byte, on port $([ "$scheme" = imap ] && echo 993 || echo 995) — so no part of the conversation, the password least of all, is ever sent in clear."
elif [ "$(e m_server)" != yes ]; then
  fail mutt "In $muttrc, $spool_seen: $(e m_host) is not this lab's server." \
    "The notes' server2.example.com was the notes' own machine: here the server is server.example.com (or mail.example.com)."
elif [ "$(e m_user)" != student ]; then
  fail mutt "In $muttrc, $spool_seen: mutt logs in as $(e m_user) (from $(e m_user_from)), not as student." \
    "Read student's own mailbox: the user in the URL (student@…) or imap_user/pop_user must be student."
elif [ -n "$(e m_port)" ] && { { [ "$scheme" = imaps ] && [ "$(e m_port)" != 993 ]; } || { [ "$scheme" = pops ] && [ "$(e m_port)" != 995 ]; }; }; then
  fail mutt "In $muttrc, $spool_seen: port $(e m_port) is not where dovecot speaks ${scheme^^}." \
    "Leave the port out ($scheme:// means $([ "$scheme" = imaps ] && echo 993 || echo 995)), or give that one."
elif [ -n "$m_login" ] && ! mutt_bin=$(binary_genuine $D /usr/bin/mutt); then
  fail mutt "dovecot logged a TLS login from desktop while Check ran /usr/bin/mutt as student, but that program is not mutt: $(field 2 <<<"$mutt_bin")." \
    "Check runs /usr/bin/mutt as student and counts the login only when that is mutt as its package installed it: put the package's mutt back (reinstall it)."
elif [ -n "$m_login" ] && ! mutt_read=$(mutt_cache); then
  fail mutt "dovecot logged a TLS login from desktop (${m_login#*-login: }) while Check ran mutt as student, but $mutt_read: the login was not mutt's. $ms" \
    "Only mutt reading the INBOX counts, not a login made by another program beside it. Run mutt as student yourself and see that the index shows the messages on server, with nothing in ~/.muttrc running other programs."
elif [ -n "$m_login" ]; then
  pass mutt "$muttrc: $spool_seen; when Check ran mutt as student, dovecot logged its login from desktop over TLS (${m_login#*-login: }), and $mutt_read."
elif [[ $m_refused == *"auth failed"* || $m_refused == *"Authentication failed"* ]]; then
  fail mutt "$spool_seen, but dovecot refused the password mutt sent: $m_refused. $ms" \
    "A password stored in ~/.muttrc (imap_pass/pop_pass) must be student's password on server; or leave it out and let mutt ask."
elif [[ ${MAILLAB_FACT_p993:-} != ok* && $scheme = imaps ]] || [[ ${MAILLAB_FACT_p995:-} != ok* && $scheme = pops ]]; then
  fail mutt "$spool_seen, but server does not answer on $([ "$scheme" = imaps ] && echo "993 (${MAILLAB_FACT_p993:-})" || echo "995 (${MAILLAB_FACT_p995:-})"). $ms" \
    "dovecot must run on server with its TLS ports open in the firewall, as the dovecot lesson left it: systemctl status dovecot, firewall-cmd --list-services."
else
  fail mutt "$spool_seen, but when Check ran mutt as student, dovecot logged no TLS login from desktop ($ip_desktop)${m_refused:+ (only: $m_refused)}. $ms" \
    "Run mutt as student yourself (su - student, then mutt) and read what it says on its last line; ~/.muttrc errors show before the index."
fi
