# Variant: main.cf edited by hand: lines appended below setup's, a duplicate where the last one wins,
# comments, the restrictions separated by spaces instead of commas, and mynetworks_style set back to
# host instead of removed. saslauthd enabled and started in two commands; postfix restarted.
cat >>/etc/postfix/main.cf <<'CF'

# --- SMTP AUTH for roaming users ---
smtpd_sasl_auth_enable = no
smtpd_sasl_auth_enable = yes
# logins need a password
smtpd_sasl_security_options = noanonymous
smtpd_relay_restrictions = permit_mynetworks permit_sasl_authenticated
    defer_unauth_destination
# trust by address only this host
mynetworks_style = host
CF
systemctl enable saslauthd
systemctl start saslauthd
systemctl restart postfix
