# Known mistake (fault aliases-unbuilt): "Temporary lookup failure" at RCPT is silenced by switching
# off the recipient check (local_recipient_maps empty) instead of building the alias table. smtpd now
# takes the mail; local delivery still cannot read the aliases and defers every message.
postconf -e 'local_recipient_maps ='
systemctl reload postfix
