# Correct variant: main.cf edited by hand, as a student with an editor does: the new lines appended at
# the end (so the old entries stay above them as duplicates), comments, equivalent values (localhost,
# a literal example.com, [mail.example.com]:25, no space after "error:") and one misspelt extra
# parameter that postfix ignores with a warning.
cat >>/etc/postfix/main.cf <<'CF'

# --- null client (lesson 06) ---
inet_interfaces = localhost
mynetworks = 127.0.0.0/8
mydestination =
local_transport = error:local delivery disabled
myorigin = example.com
relayhost = [mail.example.com]:25
smtp_helo_nmae = desktop.example.com
CF
systemctl restart postfix
