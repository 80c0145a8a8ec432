# Correct variant: the colleague's line corrected in place (the misspelt name renamed), then postfix
# reload.
sed -i 's/^myorgin\b/myorigin/' /etc/postfix/main.cf
postfix reload
