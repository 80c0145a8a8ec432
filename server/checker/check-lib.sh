# maillab check library: prepended to every check, setup and solution script before it is streamed
# into a host with `bash -s`. Scripts report through these functions only; stdout lines starting with
# the marker are parsed by server/checker/result.ts, everything else is kept as the step's log.
#
# Environment given to every script:
#   MAILLAB_NONCE     fresh random token for this run (use it in subjects/bodies to prove a path)
#   MAILLAB_LAB       lab id
#   MAILLAB_EXERCISE  exercise id (empty for setup)
#   MAILLAB_HOST      the host this script runs on (server, desktop, grader)
#   MAILLAB_FACT_<k>  facts reported by earlier steps of the same run (see `fact`)

__maillab_clean() { printf '%s' "$*" | tr '\t\r\n' '   ' | cut -c1-400; }

# pass CRITERION OBSERVED
pass() { printf '::maillab::\tpass\t%s\t%s\t\n' "$1" "$(__maillab_clean "${2:-}")"; }

# fail CRITERION OBSERVED HINT
fail() { printf '::maillab::\tfail\t%s\t%s\t%s\n' "$1" "$(__maillab_clean "${2:-}")" "$(__maillab_clean "${3:-}")"; }

# verdict CRITERION CONDITION-EXIT-STATUS OBSERVED HINT: pass when the status is 0.
verdict() { if [ "$2" -eq 0 ]; then pass "$1" "$3"; else fail "$1" "$3" "$4"; fi; }

# fact KEY VALUE: handed to later steps of this run as MAILLAB_FACT_KEY.
fact() { printf '::maillab::\tfact\t%s\t%s\t\n' "$1" "$(__maillab_clean "${2:-}")"; }

# wait_until SECONDS COMMAND...: re-run COMMAND every 0.25 s until it succeeds or time runs out.
wait_until() {
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.25
  done
}
