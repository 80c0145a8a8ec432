# Aliases check, part 1, on the grader (the outsider; nothing here judges): one SMTP conversation with
# server that offers a message carrying this run's nonce to hr@example.com and managers@example.com
# (null sender, so a failed delivery bounces to no one). The replies are facts for judge.sh, which
# decides once the engine has copied the mailboxes, the alias files and server's journal.
S=server.example.com

# step code text, for one step of an smtp_talk transcript ("" when it never came to that step)
said() { awk -F'\x1f' -v s="$1" '$1 == s {print $2 "\x1f" $3; exit}' <<<"$2"; }
talk=$(smtp_talk $S 25 --from '' --rcpt hr@example.com --rcpt managers@example.com --data-nonce "$MAILLAB_NONCE")
fact connect_code "$(said connect "$talk" | field 1)"
fact connect_text "$(said connect "$talk" | field 2)"
fact talk_error "$(said error "$talk" | field 2)"
fact hr_code "$(said 'rcpt hr@example.com' "$talk" | field 1)"
fact hr_text "$(said 'rcpt hr@example.com' "$talk" | field 2)"
fact managers_code "$(said 'rcpt managers@example.com' "$talk" | field 1)"
fact managers_text "$(said 'rcpt managers@example.com' "$talk" | field 2)"
fact data_code "$(said data "$talk" | field 1)"
fact data_text "$(said data "$talk" | field 2)"
exit 0
