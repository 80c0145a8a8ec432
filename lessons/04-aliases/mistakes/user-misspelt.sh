# Known mistake: hr points at "jery", a user that does not exist; newaliases accepts it without a word.
printf '%s\n' 'hr:       jery' 'managers: kelly, li' >>/etc/aliases
newaliases
