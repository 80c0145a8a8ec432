# Reference solution on desktop: nothing there was broken; ask its postfix to retry now what it had to
# defer while the server was down (lesson 08), instead of waiting for the next retry.
postqueue -f
exit 0
