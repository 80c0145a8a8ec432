# Correct variant, on desktop: the server's name written in another case (domain names are not
# case-sensitive).
echo "Sent to the server, whatever the case." | mail -s "Hello from desktop" student@Server.Example.COM
