# Lesson 07 setup on server, after lesson 03's reference solution (postfix receives for example.com on
# every interface; firewalld lets smtp in). The server decides who may relay by address only, the way
# the notes' postfix 2.10 did by default: mynetworks_style = subnet trusts every host on server's network
# (desktop, and any stranger plugged into it), and nobody else. saslauthd stays disabled and stopped, as
# RHEL installs it, and postfix offers no SMTP AUTH. The student replaces address trust with passwords.
postconf -e 'mynetworks_style = subnet'
systemctl disable --now saslauthd >/dev/null 2>&1
systemctl reload postfix
systemctl is-active --quiet postfix || { echo "postfix is not running on server" >&2; exit 1; }
