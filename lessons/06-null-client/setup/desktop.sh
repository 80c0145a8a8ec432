# Lesson 06 setup on desktop: postfix "configured to receive", as a workstation often is by accident:
# listening on every interface and delivering for its own names. The student turns it into a null client.
postconf -e 'inet_interfaces = all'
systemctl enable postfix >/dev/null 2>&1
systemctl restart postfix
systemctl is-active --quiet postfix || { echo "postfix did not start on desktop" >&2; exit 1; }
