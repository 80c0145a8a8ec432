# Correct variant: main.cf and the table edited by hand, as a student with an editor does: lines
# appended (an empty smtpd_client_restrictions above the real one, so the last wins), comments,
# permit_mynetworks first and no space after the comma; in the table comments, blank lines, the network
# as three octets, and REJECT with a text of its own. postmap with the type named, and postfix reload.
desktop=$(getent ahostsv4 desktop.example.com | awk 'NR == 1 {print $1}')
net3=$(ip -4 -o addr show scope global | awk '{split($4, a, "."); print a[1] "." a[2] "." a[3]; exit}')
cat >>/etc/postfix/main.cf <<'CF'

# --- lesson 05: access control ---
smtpd_client_restrictions =
# every client is looked up in the access table
smtpd_client_restrictions = permit_mynetworks,check_client_access hash:/etc/postfix/access
CF
cat >/etc/postfix/access <<TABLE
# Access table (man 5 access). After every change: postmap /etc/postfix/access

# the lab network
$net3   OK

# desktop sends junk
$desktop   REJECT desktop may not send mail here
TABLE
postmap hash:/etc/postfix/access
postfix reload
