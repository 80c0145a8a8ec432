# Mistake, after the reference solution: ~/.fetchmailrc left with the mode a new file gets (0644 with
# umask 022; 0664 on RHEL, whose shells give users umask 002): everyone on desktop may read
# student's password in it.
chmod 644 /home/student/.fetchmailrc
