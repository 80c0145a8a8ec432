# Known mistake: the aliases are added, then postfix is reloaded, as after a main.cf change. A reload
# never compiles /etc/aliases (only RHEL's ExecStartPre on start/restart would).
printf '%s\n' 'hr:       jerry' 'managers: kelly, li' >>/etc/aliases
systemctl reload postfix
