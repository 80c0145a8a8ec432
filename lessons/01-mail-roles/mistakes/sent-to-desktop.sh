# Known mistake: a bare user name, so desktop's postfix delivers it to student on desktop itself.
echo "Hello" | mail -s "Hello from desktop" student
