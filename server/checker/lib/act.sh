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

__maillab_clean() { printf '%s' "$*" | tr '\t\r\n' '   ' | cut -c1-400; }

# fact KEY VALUE: handed to later steps of this run; from a student host it is a claim
# (MAILLAB_CLAIM_KEY on the grader), only ever quoted in messages and hints.
fact() { printf '::maillab::\tfact\t%s\t%s\t\n' "$1" "$(__maillab_clean "${2:-}")"; }

# wait_until SECONDS COMMAND...: re-run COMMAND every 0.25 s until it succeeds or time runs out.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.25
  done
}
