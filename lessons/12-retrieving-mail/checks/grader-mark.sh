# Retrieving-mail check, on the grader between desktop's two acting steps (nothing here judges): the
# time mutt's run ended and fetchmail's began, so that the judge can tell their dovecot sessions apart.
fact t1 "$(date +%s%6N)"
exit 0
