# Mistake, after the reference solution: ~/.fetchmailrc written from root's shell (cat > or an editor
# run as root) and made private with chmod 600, but never given to student: it belongs to root.
chown root:root /home/student/.fetchmailrc
chmod 600 /home/student/.fetchmailrc
