# Known mistake (with solution/send.sh): sent right, but never opened on server.
echo "My first message through postfix." | mail -s "Hello from desktop" student@server.example.com
