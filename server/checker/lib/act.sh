# maillab step library, part 1 of 2: for every step on every host (setup, solution, mistakes, cheats,
# variants, and the acting steps of a check). The step's script follows it; both are passed to
# /bin/bash as one argument, with a fixed environment (see lessons/README.md, "The step contract").
#
# On a student host a step may act (send the message a check needs) and report facts for messages
# and hints; it never judges. Judging functions live in judge.sh, which only the grader gets.
#
# Environment given to every script:
#   MAILLAB_NONCE     fresh random token for this run (use it in subjects/bodies to prove a path)
#   MAILLAB_LAB       lab id
#   MAILLAB_EXERCISE  exercise id (empty for setup)
#   MAILLAB_HOST      the host this script runs on (server, desktop, grader)

# __maillab_clean TEXT...: the text as one field of a report line, in $REPLY: tabs and line breaks
# become spaces, and it is cut at 400 characters. Builtins only: a check prints many lines, and a
# pipeline per line cost each its own processes.
__maillab_clean() {
  REPLY="$*"
  REPLY=${REPLY//[$'\t\r\n']/ }
  REPLY=${REPLY:0:400}
}

# fact KEY VALUE: handed to later steps of this run; from a student host it is a claim
# (MAILLAB_CLAIM_KEY on the grader), only ever quoted in messages and hints.
fact() {
  __maillab_clean "${2:-}"
  printf '::maillab::\tfact\t%s\t%s\t\n' "$1" "$REPLY"
}

# wait_until SECONDS COMMAND...: re-run COMMAND until it succeeds or time runs out: every 0.02 s at
# first, every 0.05 s up to about a second (most waits, a message crossing postfix, end within it, and
# a Check waits for each), then every 0.25 s.
wait_until() {
  local deadline=$((SECONDS + $1)) tries=0
  shift
  until "$@"; do
    [ "$SECONDS" -ge "$deadline" ] && return 1
    tries=$((tries + 1))
    if [ $tries -le 10 ]; then sleep 0.02; elif [ $tries -le 25 ]; then sleep 0.05; else sleep 0.25; fi
  done
}
