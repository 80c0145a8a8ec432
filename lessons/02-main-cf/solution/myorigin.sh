# Reference solution on server: remove the misspelt line, set myorigin to refer to mydomain (single
# quotes, so that bash leaves $mydomain alone), see that postfix check is silent, reload postfix.
postconf -X myorgin
postconf -e 'myorigin = $mydomain'
postfix check
systemctl reload postfix
