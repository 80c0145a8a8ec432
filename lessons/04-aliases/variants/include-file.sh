# Variant: managers' recipients in a list file of their own (aliases(5): :include:), one per line with a
# comment, as a department keeps a mailing list; postfix's local agent reads the file at delivery.
printf '%s\n' '# managers, kept by HR' 'kelly' 'li' >/etc/postfix/managers
printf '%s\n' 'hr:       jerry' 'managers: :include:/etc/postfix/managers' >>/etc/aliases
newaliases
