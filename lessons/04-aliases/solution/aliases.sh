# Reference solution on server: the notes' aliases (postmaster: root is already in RHEL's file), one
# line per alias, recipients separated by commas, then the table rebuilt.
printf '%s\n' 'hr:       jerry' 'managers: kelly, li' >>/etc/aliases
newaliases
