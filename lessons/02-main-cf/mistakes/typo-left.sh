# Known mistake: myorigin set and postfix reloaded, but the colleague's misspelt line left in main.cf,
# which postfix check reports as an unused parameter.
postconf -e 'myorigin = $mydomain'
systemctl reload postfix
