# Correct variant: the aliases added, then postfix restarted instead of newaliases: RHEL's postfix.service
# runs /usr/libexec/postfix/aliasesdb before start, which runs newaliases when /etc/aliases is newer.
printf '%s\n' 'hr:       jerry' 'managers: kelly, li' >>/etc/aliases
systemctl restart postfix
