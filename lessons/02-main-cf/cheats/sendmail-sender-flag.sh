# Cheat, on a fresh lab: main.cf untouched; a sendmail that adds -f root@example.com to every call, so
# each message arrives with an @example.com sender although postfix completed nothing.
real=/usr/sbin/sendmail.real
mv /usr/sbin/sendmail "$real"
printf '#!/bin/bash\nexec %s -f root@example.com "$@"\n' "$real" >/usr/sbin/sendmail
chmod 755 /usr/sbin/sendmail
