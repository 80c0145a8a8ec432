# Variant, after the reference solution, on server: every client the table does not let in is refused
# (a final reject after check_client_access). The lab network still gets in and desktop is still
# refused; clients outside the lab, which the lesson leaves alone, are now refused too.
postconf -e 'smtpd_client_restrictions = check_client_access hash:/etc/postfix/access, reject'
systemctl reload postfix || exit 1
