# SMTP AUTH check, acting on server (nothing here judges): what server says about its own services,
# quoted in the grader's messages only. The verdicts come from the grader's conversations and from the
# files and journal the engine copies.
fact server_postfix "$(systemctl is-active postfix 2>/dev/null | head -n1)"
fact server_saslauthd "$(systemctl is-active saslauthd 2>/dev/null | head -n1)"
fact server_saslauthd_boot "$(systemctl is-enabled saslauthd 2>/dev/null | head -n1)"
exit 0
