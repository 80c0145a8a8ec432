# Lesson 01 setup on desktop: postfix with the distribution defaults (loopback only, delivers for its own
# names, sends everything else straight to the destination), so `mail` on desktop can send.
systemctl enable postfix >/dev/null 2>&1
systemctl restart postfix
systemctl is-active --quiet postfix || { echo "postfix did not start on desktop" >&2; exit 1; }
