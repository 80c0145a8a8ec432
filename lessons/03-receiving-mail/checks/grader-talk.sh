# Receiving check, part 1, on the grader (the outsider; nothing here judges): connect to server's port
# 25 and to a port that server's firewall zone does not allow (drawn per Check, closed_port), then
# hold three SMTP conversations:
#   1. RCPT TO:<student@example.com>, then a message carrying this run's nonce (null sender, so a
#      failed delivery bounces to no one);
#   2. RCPT TO a user that does not exist at example.com;
#   3. RCPT TO a foreign domain (no DATA: an open relay must not get a message to pass on).
# The results are facts for judge.sh, which decides once the engine has copied the mailbox,
# server's configuration and its journal.
S=server.example.com
CLOSED_PORT=$(closed_port)

p25=$(tcp_probe $S 25)
fact p25 "$(field 1 <<<"$p25")"
fact p25_text "$(field 2 <<<"$p25")"
px=$(tcp_probe $S $CLOSED_PORT)
fact px "$(field 1 <<<"$px")"
fact px_text "$(field 2 <<<"$px")"
[ "$(field 1 <<<"$p25")" = connected ] || exit 0

# step code text, for one step of an smtp_talk transcript ("" when it never came to that step)
said() { awk -F'\x1f' -v s="$1" '$1 == s {print $2 "\x1f" $3; exit}' <<<"$2"; }
talk=$(smtp_talk $S 25 --from '' --rcpt student@example.com --data-nonce "$MAILLAB_NONCE")
fact talk_error "$(said error "$talk" | field 2)"
fact rcpt_code "$(said 'rcpt student@example.com' "$talk" | field 1)"
fact rcpt_text "$(said 'rcpt student@example.com' "$talk" | field 2)"
fact data_code "$(said data "$talk" | field 1)"
fact data_text "$(said data "$talk" | field 2)"

talk=$(smtp_talk $S 25 --from '' --rcpt maillab-nobody@example.com)
fact unknown_code "$(said 'rcpt maillab-nobody@example.com' "$talk" | field 1)"
fact unknown_text "$(said 'rcpt maillab-nobody@example.com' "$talk" | field 2)$(said error "$talk" | field 2)"

talk=$(smtp_talk $S 25 --from '' --rcpt outsider@example.net)
fact relay_code "$(said 'rcpt outsider@example.net' "$talk" | field 1)"
fact relay_text "$(said 'rcpt outsider@example.net' "$talk" | field 2)$(said error "$talk" | field 2)"
exit 0
