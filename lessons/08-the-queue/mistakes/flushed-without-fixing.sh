# Known mistake: postqueue -f straight away, with the relay host still wrong: the report is tried at once
# and deferred again (its next retry further off), and mail from desktop still does not get through.
qid=$(postqueue -j | sed -nE 's/.*"queue_id": "([0-9A-Za-z]+)".*/\1/p' | head -n1)
[ -n "$qid" ] || exit 1
postqueue -f
tried_again() { [ "$(journalctl -q --no-pager -o cat -u postfix | grep -cE "^$qid: .*status=deferred")" -ge 2 ]; }
wait_until 20 tried_again || exit 1
