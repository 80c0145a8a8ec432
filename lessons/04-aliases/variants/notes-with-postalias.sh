# Correct variant: the notes' lines as written (no spaces, "Li" capitalised: local delivery folds case),
# compiled with the notes' second command, postalias /etc/aliases.
printf '%s\n' 'hr:jerry' 'managers:kelly,Li' >>/etc/aliases
postalias /etc/aliases
