# Troubleshooting check, part 1, on the grader (the outsider; nothing here judges): two SMTP
# conversations with the server, as any other host on the network would hold them:
#   1. RCPT TO:<student@example.com>, then a message carrying this run's nonce (null sender, so that a
#      failed delivery bounces to no one; Message-ID <nonce.smtp@maillab.invalid>);
#   2. RCPT TO a user that does not exist at example.com, and RCPT TO a foreign domain (no DATA: an
#      open relay must not get a message to pass on).
# The replies are facts for judge.sh, which decides once the engine has copied the mailbox, the
# server's configuration and both hosts' journals.
S=server.example.com
said() { awk -F'\x1f' -v s="$1" '$1 == s {print $2 "\x1f" $3; exit}' <<<"$2"; }

talk=$(smtp_talk $S 25 --from '' --rcpt student@example.com --data-nonce "$MAILLAB_NONCE")
fact connect_code "$(said connect "$talk" | field 1)"
fact connect_text "$(said connect "$talk" | field 2)"
fact talk_error "$(said error "$talk" | field 2)"
fact rcpt_code "$(said 'rcpt student@example.com' "$talk" | field 1)"
fact rcpt_text "$(said 'rcpt student@example.com' "$talk" | field 2)"
fact data_code "$(said data "$talk" | field 1)"
fact data_text "$(said data "$talk" | field 2)"

talk=$(smtp_talk $S 25 --from '' --rcpt maillab-nobody@example.com --rcpt outsider@example.net)
fact unknown_code "$(said 'rcpt maillab-nobody@example.com' "$talk" | field 1)"
fact unknown_text "$(said 'rcpt maillab-nobody@example.com' "$talk" | field 2)$(said error "$talk" | field 2)"
fact relay_code "$(said 'rcpt outsider@example.net' "$talk" | field 1)"
fact relay_text "$(said 'rcpt outsider@example.net' "$talk" | field 2)$(said error "$talk" | field 2)"
exit 0
