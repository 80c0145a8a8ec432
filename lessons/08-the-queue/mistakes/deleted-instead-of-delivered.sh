# Known mistake: the cause fixed, then the queue "emptied" with postsuper -d ALL: the queue is empty and
# mail gets through, but jerry's report was thrown away, never delivered.
postconf -e 'relayhost = [server.example.com]'
systemctl reload postfix
postsuper -d ALL
