# Variant, after the reference solution's files, on desktop: ~/.procmailrc only sets procmail up and
# names a file of recipes with INCLUDERC, relative to MAILDIR, as people keep one file per list; the
# locked recipe that files [lab] lives in ~/Mail/.rc/lists.rc.
su - student -c 'mkdir -p ~/Mail/.rc && cat > ~/.procmailrc' <<'EOF2' || exit 1
# procmail: the set-up here, the recipes in files of their own
MAILDIR=$HOME/Mail
LOGFILE=$HOME/procmail.log
INCLUDERC=.rc/lists.rc
EOF2
su - student -c 'cat > ~/Mail/.rc/lists.rc' <<'EOF2' || exit 1
# mailing lists
:0:
* ^Subject:.*\[lab\]
lab
EOF2
exit 0
