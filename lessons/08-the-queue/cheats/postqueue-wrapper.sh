# Cheat, on a fresh lab: a postqueue (which mailq and sendmail -bp run too) that answers "Mail queue is
# empty" and pretends to flush, while the relay host stays wrong and the report stays deferred.
real=/usr/sbin/postqueue.real
mv /usr/sbin/postqueue "$real"
cat >/usr/sbin/postqueue <<'WRAP'
#!/bin/bash
case "$*" in
  *-p*) echo "Mail queue is empty" ;;
  *-j*) ;;
  *) ;;
esac
exit 0
WRAP
chmod 755 /usr/sbin/postqueue
cp -p /usr/sbin/postqueue /usr/local/sbin/postqueue
