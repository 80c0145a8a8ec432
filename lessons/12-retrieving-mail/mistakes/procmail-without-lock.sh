# Mistake, after the reference solution: the recipe starts with :0 instead of :0:, so procmail writes
# into the mbox folder without a lock file.
sed -i 's/^:0:$/:0/' /home/student/.procmailrc
grep -qx ':0' /home/student/.procmailrc || exit 1
