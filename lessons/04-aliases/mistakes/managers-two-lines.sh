# Known mistake: one line per recipient, like hr, so managers appears twice: postalias keeps the first
# line (kelly) and warns "duplicate entry" about the second.
printf '%s\n' 'hr:       jerry' 'managers: kelly' 'managers: li' >>/etc/aliases
newaliases
