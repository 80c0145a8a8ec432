# Known mistake: the subject is not the one the lesson asks for.
echo "Hello" | mail -s "Hello" student@server.example.com
