# Dovecot check, part 2, on the grader (nothing here judges): the grader is the untrusted client.
#   - a port that server's firewall zone does not allow (drawn per Check), to see that it filters;
#   - plaintext logins as student on 110 (POP3) and 143 (IMAP), which dovecot must refuse;
#   - logins over implicit TLS on 995 (POP3S) and 993 (IMAPS), which must find this run's nonce,
#     IMAP after a read-write SELECT INBOX.
# Each result is a fact for judge.sh, which believes them only together with the lines dovecot itself
# wrote for these sessions in server's journal (collected after this step).
S=server.example.com
px=$(tcp_probe $S "$(closed_port)")
fact px "$(field 1 <<<"$px")"
fact px_text "$(field 2 <<<"$px")"

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
record pop3 "$(pop3_fetch $S 110 student student 2>&1)"
record imap "$(imap_fetch $S 143 student student 2>&1)"
record pop3s "$(pop3_fetch $S 995 student student --ssl --needle "$MAILLAB_NONCE" 2>&1)"
record imaps "$(imap_fetch $S 993 student student --ssl --needle "$MAILLAB_NONCE" 2>&1)"
exit 0
