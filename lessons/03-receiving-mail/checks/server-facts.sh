# Receiving check, acting on server (nothing here judges): what server says about its own services,
# quoted in the grader's messages only. The verdicts come from the grader's connections and from the
# files the engine copies.
fact server_postfix "$(systemctl is-active postfix 2>/dev/null | head -n1)"
fact server_firewalld "$(systemctl is-active firewalld 2>/dev/null | head -n1)"
fact server_listening "$(ss -ltnH 'sport = :25' 2>/dev/null | awk '{print $4}' | sort -u | paste -sd' ')"
exit 0
