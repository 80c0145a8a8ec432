# Known mistake: the message is written on server, so it never travels desktop → server.
echo "Hello" | mail -s "Hello from desktop" student
