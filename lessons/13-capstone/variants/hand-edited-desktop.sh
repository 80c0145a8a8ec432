# Correct variant, on desktop: main.cf edited by hand: lines appended (RHEL's above them stay as
# duplicates), comments, equivalent values (localhost, example.com typed out, [mail.example.com]:25,
# no space after "error:"); postfix stopped and started.
cat >>/etc/postfix/main.cf <<'CF'

# --- null client (exam) ---
inet_interfaces = localhost
mynetworks = 127.0.0.0/8
mydestination =
local_transport = error:local delivery disabled
myorigin = example.com
relayhost = [mail.example.com]:25
CF
systemctl enable postfix
systemctl stop postfix
systemctl start postfix
