# Capstone setup, on server and on desktop: a bare RHEL 9 install. Every mail service is installed,
# disabled and stopped (postfix, dovecot, saslauthd), with its packaged configuration; firewalld is
# enabled and running in its default zone, as RHEL 9 installs it. Nothing else is prepared.
systemctl enable --now firewalld >/dev/null 2>&1
wait_until 50 firewall-cmd -q --state || { echo "firewalld did not start on $MAILLAB_HOST" >&2; exit 1; }
