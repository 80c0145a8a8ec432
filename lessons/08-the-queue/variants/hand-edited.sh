# Correct variant: main.cf edited by hand (the new relayhost appended below the wrong one, so the last of
# the two wins, with a comment, the server's alias and an explicit port), postfix reload, and postfix
# flush, the older spelling of postqueue -f.
cat >>/etc/postfix/main.cf <<'CF'

# mailhub.example.com never went into DNS: relay through the mail server again
relayhost = [mail.example.com]:25
CF
postfix reload
postfix flush
empty() { ! find /var/spool/postfix/{maildrop,incoming,active,deferred,hold} -type f 2>/dev/null | grep -q .; }
wait_until 20 empty || exit 1
