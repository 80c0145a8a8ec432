# Correct variant: managers: kelly li, without a comma. aliases(5) asks for commas, but postfix splits
# the recipients at white space too (measured: both kelly and li get the message).
printf '%s\n' 'hr: jerry' 'managers: kelly li' >>/etc/aliases
newaliases
