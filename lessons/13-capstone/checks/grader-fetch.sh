# Exam check, part 4, on the grader (nothing here judges): collect the transcript of the wrong-password
# conversation grader-talk.sh left running; then read student's mailbox over POP3S (995) and
# IMAPS (993) as student, looking for this run's nonce (IMAP after a read-write SELECT INBOX), and
# hand each step's result to judge.sh as a fact; judge.sh believes them only together with the lines
# dovecot itself wrote for these sessions in server's journal.
S=server.example.com
# record NAME OUTPUT: one fact per line of a pop3_fetch/imap_fetch transcript (NAME_connect,
# NAME_connect_text, NAME_login, ...), and NAME_error for what the library raised, if anything.
record() {
  local name=$1 out=$2 step status text
  while IFS=$'\x1f' read -r step status text; do
    case $step in connect | login | count | select | needle) ;; *) continue ;; esac
    fact "${name}_$step" "$status"
    fact "${name}_${step}_text" "$text"
  done < <(grep -a $'\x1f' <<<"$out")
  local raised=""
  grep -q '^Traceback' <<<"$out" && raised=$(grep -aE '^[A-Za-z0-9_.]+: ' <<<"$out" | tail -n1 | cut -c1-200)
  fact "${name}_error" "$raised"
}
# The wrong-password conversation grader-talk.sh left running: its transcript, once it has ended
# (so that postfix's and saslauthd's lines about it are in the journal copied next).
if [ -n "${MAILLAB_FACT_p25:-}" ] && [ "$MAILLAB_FACT_p25" = connected ]; then
  wait_until 12 test -f /var/lib/maillab/work/exam-bad
  while IFS=$'\x1f' read -r step code text; do
    [ -n "$step" ] || continue
    fact "bad_${step//[^A-Za-z0-9]/_}_code" "$code"
    fact "bad_${step//[^A-Za-z0-9]/_}_text" "$text"
  done </var/lib/maillab/work/exam-bad
fi
record pop3s "$(pop3_fetch $S 995 student student --ssl --needle "$MAILLAB_NONCE" 2>&1)"
record imaps "$(imap_fetch $S 993 student student --ssl --needle "$MAILLAB_NONCE" 2>&1)"
exit 0
