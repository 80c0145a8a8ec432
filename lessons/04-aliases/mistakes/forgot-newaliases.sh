# Known mistake: the aliases are added to /etc/aliases, and the table postfix reads is never rebuilt.
printf '%s\n' 'hr:       jerry' 'managers: kelly, li' >>/etc/aliases
