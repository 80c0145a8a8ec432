# Cheat, after the reference solution's files, on desktop: postfix's mailbox_command names a script
# called procmail in /usr/local/bin, which files messages with [lab] in their Subject into ~/Mail/lab
# and appends the others to the inbox with awk, as procmail with student's recipe would. postfix logs
# "delivered to command: /usr/local/bin/procmail"; procmail never runs.
cat >/usr/local/bin/procmail <<'FILER'
#!/bin/bash
msg=$(cat)
box=/var/spool/mail/$USER
awk '/^$/ {exit} tolower($0) ~ /^subject:.*\[lab\]/ {f = 1} END {exit !f}' <<<"$msg" && box=$HOME/Mail/lab
# postfix hands a mailbox_command the message with its "From " line already in front.
printf '%s\n\n' "$msg" >>"$box"
FILER
chmod 755 /usr/local/bin/procmail
postconf -e 'mailbox_command = /usr/local/bin/procmail'
systemctl reload postfix
exit 0
