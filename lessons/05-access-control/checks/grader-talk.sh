# Access check, part 1, on the grader (the outsider, a client on the lab network; nothing here judges):
# note the time, so that later steps can tell this run's log lines from older ones, then hold one SMTP
# conversation with the server: RCPT TO:<student@example.com> and a message carrying this run's nonce
# (null sender, so a failed delivery bounces to no one). judge.sh reads the results as facts.
fact t0 "$(date +%s%6N)"

# step code text, for one step of an smtp_talk transcript ("" when it never came to that step)
said() { awk -F'\x1f' -v s="$1" '$1 == s {print $2 "\x1f" $3; exit}' <<<"$2"; }
talk=$(smtp_talk server.example.com 25 --from '' --rcpt student@example.com --data-nonce "$MAILLAB_NONCE")
fact connect_code "$(said connect "$talk" | field 1)"
fact connect_text "$(said connect "$talk" | field 2)"
fact talk_error "$(said error "$talk" | field 2)"
fact rcpt_code "$(said 'rcpt student@example.com' "$talk" | field 1)"
fact rcpt_text "$(said 'rcpt student@example.com' "$talk" | field 2)"
fact data_code "$(said data "$talk" | field 1)"
fact data_text "$(said data "$talk" | field 2)"
exit 0
