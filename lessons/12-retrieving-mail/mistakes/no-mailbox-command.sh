# Mistake, after the reference solution: ~/.procmailrc written, but desktop's postfix never told to
# run procmail: local delivery writes every message into the mailbox itself.
postconf -X mailbox_command
systemctl reload postfix
