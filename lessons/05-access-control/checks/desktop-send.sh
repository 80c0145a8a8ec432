# Access check, part 2, acting on desktop (nothing here judges): desktop, the client the server should
# shut out, hands the server a message for student@example.com with swaks, as any SMTP client would.
# Its envelope sender and Message-ID carry a token made from this run's nonce ("dk" instead of "ml",
# so that only the grader's message satisfies the mailbox collect's wait). What desktop saw is only
# quoted: the verdict comes from server's journal (smtpd's reject line) and student's mailbox.
tok="dk${MAILLAB_NONCE#ml}"
out=$(swaks --server server.example.com --port 25 --timeout 6 --helo desktop.example.com \
  --from "$tok@desktop.example.com" --to student@example.com \
  --header "Subject: maillab access check $tok" --header "Message-Id: <$tok@maillab.invalid>" \
  --body "Sent from desktop by the maillab check; the server should have refused it. Token: $tok" 2>&1)
fact desktop_swaks "$?"
# The server's reply to RCPT TO, or how the conversation ended before it.
reply=$(awk '/-> RCPT TO/ {getline; print; exit}' <<<"$out" | sed -E 's/^<[-*~]* +//')
[ -n "$reply" ] || reply=$(grep -E '^(\*\*\*|<\*\*)' <<<"$out" | sed -E 's/^(\*\*\*|<\*\*)[[:space:]]*//' | paste -sd' ')
fact desktop_reply "$(cut -c1-200 <<<"$reply")"
exit 0
