# Correct variant, on desktop: the message written by hand and handed to sendmail, headers and all.
printf 'To: student@server.example.com\nSubject: Hello from desktop\n\nWritten by hand.\n' | sendmail -t
