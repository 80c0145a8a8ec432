# TLS check, part 1, on the grader (nothing here judges): note when this run began, so that the judge
# counts only the dovecot log lines written after it, and hand server a message for student with this
# run's nonce over SMTP (postfix on server receives for example.com). POP3S and IMAPS are then to find
# it in student's mailbox.
fact t0 "$(date +%s%6N)"
said() { awk -F'\x1f' -v s="$1" '$1 == s {print $2 " " $3; exit}' <<<"$2"; }
talk=$(smtp_talk server.example.com 25 --from '' --rcpt student@example.com --data-nonce "$MAILLAB_NONCE")
fact smtp_rcpt "$(said 'rcpt student@example.com' "$talk")"
fact smtp_data "$(said data "$talk")"
fact smtp_error "$(said connect "$talk" | grep -v '^220')$(said error "$talk")"
exit 0
