# Known mistake: the cause fixed and postfix reloaded, and the queue left alone: the report waits for its
# next retry, minutes away (a reload does not retry deferred mail).
postconf -e 'relayhost = [server.example.com]'
systemctl reload postfix
