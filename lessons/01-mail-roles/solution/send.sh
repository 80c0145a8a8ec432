# Reference solution, part 1, on desktop: send the asked message to student on the server.
echo "My first message through postfix." | mail -s "Hello from desktop" student@server.example.com
