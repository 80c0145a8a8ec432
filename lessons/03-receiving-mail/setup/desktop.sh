# Lesson 03 setup on desktop: postfix with its defaults, so mail and swaks work there.
systemctl enable --now postfix >/dev/null 2>&1
systemctl is-active --quiet postfix || { echo "postfix did not start on desktop" >&2; exit 1; }
