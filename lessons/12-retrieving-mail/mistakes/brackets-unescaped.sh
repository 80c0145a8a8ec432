# Mistake, after the reference solution: the tag written into the condition as it appears in the
# Subject, [lab], which a regular expression reads as "one of the letters l, a, b".
sed -i 's/\\\[lab\\\]/[lab]/' /home/student/.procmailrc
grep -qF '* ^Subject:.*[lab]' /home/student/.procmailrc || exit 1
