# Lesson 03 setup on server: RHEL 9 as installed: postfix enabled and running with its defaults
# (inet_interfaces = localhost, mydestination without $mydomain), and firewalld enabled and running
# in its default zone, which does not allow smtp. The student makes the server receive mail.
systemctl enable --now postfix >/dev/null 2>&1
systemctl enable --now firewalld >/dev/null 2>&1
systemctl is-active --quiet postfix || { echo "postfix did not start on server" >&2; exit 1; }
wait_until 20 firewall-cmd -q --state || { echo "firewalld did not start on server" >&2; exit 1; }
