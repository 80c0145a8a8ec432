# Lesson 01 check, acting on desktop (nothing here judges): let a message just sent finish its first
# delivery attempt, so that the journal and queue the engine copies next show where it went.
busy() { [ -n "$(find /var/spool/postfix/{maildrop,incoming,active} -type f 2>/dev/null | head -n1)" ]; }
idle() { ! busy; }
[ "$(systemctl is-active postfix 2>/dev/null)" = active ] && wait_until 10 idle
exit 0
