# Retrieving-mail check, part 1, on the grader (nothing here judges): note when this run began, so that
# the judge counts only dovecot's log lines written since, and mail student on server a message with
# this run's nonce over SMTP (lesson 03's work). fetchmail on desktop is to bring it over. The TLS
# ports are tried too (a handshake), only so that a hint can say when server cannot be reached at all.
fact t0 "$(date +%s%6N)"
said() { awk -F'\x1f' -v s="$1" '$1 == s {print $2 " " $3; exit}' <<<"$2"; }
talk=$(smtp_talk server.example.com 25 --from '' --rcpt student@example.com --data-nonce "$MAILLAB_NONCE")
fact smtp_data "$(said data "$talk")"
fact smtp_error "$(said 'rcpt student@example.com' "$talk" | grep -v '^250')$(said connect "$talk" | grep -v '^220')$(said error "$talk")"
for port in 993 995; do
  p=$(tls_probe server.example.com $port)
  fact "p$port" "$(field 2 <<<"$p") $(field 3 <<<"$p")"
done
exit 0
