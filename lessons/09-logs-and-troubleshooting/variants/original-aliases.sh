# Correct variant (fault aliases-unbuilt): instead of building the new table, postfix is pointed back at
# the system's own alias table, /etc/aliases (built), with lines appended by hand below the wrong ones,
# then `postfix reload` rather than systemctl.
cat >>/etc/postfix/main.cf <<'CF'
# back to the system's aliases
alias_maps = hash:/etc/aliases
alias_database = hash:/etc/aliases
CF
postfix reload
