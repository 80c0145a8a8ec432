# Cheat, after the reference solution, on server: the access table as the lesson asks, and then every
# client whose HELO does not look like the check's probe (probe<digits>.example.net, a pattern anyone
# can read in maillab's source) refused at RCPT by smtpd_helo_restrictions. Desktop is still refused
# by the table and the prober still gets in, while every other host of the lab network is shut out.
cat >/etc/postfix/helo_access <<'MAP'
/^probe[0-9]+\.example\.net$/   OK
/./                             REJECT
MAP
postconf -e 'smtpd_helo_required = yes' 'smtpd_helo_restrictions = check_helo_access regexp:/etc/postfix/helo_access'
systemctl reload postfix || exit 1
