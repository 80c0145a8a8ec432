# TLS check, part 2, on the grader, a client dovecot does not trust (nothing here judges):
#   - a port that server's firewall zone does not allow (drawn per Check), to see that the firewall filters, and 143,
#     to see whether dovecot answers at all;
#   - a TLS handshake on 993 (IMAPS) and 995 (POP3S) with tls_probe, and the certificate each served,
#     kept as PEM in the grader's work directory for the judge (the key must belong to it);
#   - logins as student over POP3S and IMAPS, which must find this run's nonce.
# Each result is a fact for judge.sh, which believes them only together with the lines dovecot itself
# wrote for these connections in server's journal (collected after this step).
S=server.example.com
work=${__MAILLAB_WORK:-/var/lib/maillab/work}
mkdir -p "$work"

px=$(tcp_probe $S "$(closed_port)")
fact px "$(field 1 <<<"$px")"
fact px_text "$(field 2 <<<"$px")"
p143=$(tcp_probe $S 143)
fact p143 "$(field 1 <<<"$p143")"
fact p143_text "$(field 2 <<<"$p143")"

for port in 993 995; do
  out=$(tls_probe $S $port 2>&1)
  hs=$(grep -a $'^handshake\x1f' <<<"$out")
  cert=$(grep -a $'^cert\x1f' <<<"$out")
  fact "tls$port" "$(field 2 <<<"$hs")"
  fact "tls${port}_text" "$(field 3 <<<"$hs")$([ -n "$hs" ] || head -c 200 <<<"$out")"
  fact "tls${port}_sha" "$(field 2 <<<"$cert")"
  fact "tls${port}_subject" "$(field 3 <<<"$cert")"
  [ -n "$cert" ] || continue
  # The served certificate itself, for the judge's key comparison.
  /usr/bin/python3 - "$S" "$port" >"$work/served-$port.pem" 2>/dev/null <<'PY'
import socket, ssl, sys
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
with socket.create_connection((sys.argv[1], int(sys.argv[2])), 5) as sock:
    with ctx.wrap_socket(sock, server_hostname=sys.argv[1]) as tls:
        print(ssl.DER_cert_to_PEM_cert(tls.getpeercert(True)), end="")
PY
done

# record NAME OUTPUT: one fact per line of a pop3_fetch/imap_fetch transcript (NAME_connect,
# NAME_connect_text, NAME_login, ...), and NAME_error for what the library raised, if anything.
record() {
  local name=$1 out=$2 step status text
  while IFS=$'\x1f' read -r step status text; do
    case $step in connect | login | count | select | needle) ;; *) continue ;; esac
    fact "${name}_$step" "$status"
    fact "${name}_${step}_text" "$text"
  done < <(grep -a $'\x1f' <<<"$out")
  local raised=""
  grep -q '^Traceback' <<<"$out" && raised=$(grep -aE '^[A-Za-z0-9_.]+: ' <<<"$out" | tail -n1 | cut -c1-200)
  fact "${name}_error" "$raised"
}
record pop3s "$(pop3_fetch $S 995 student student --ssl --needle "$MAILLAB_NONCE" 2>&1)"
record imaps "$(imap_fetch $S 993 student student --ssl --needle "$MAILLAB_NONCE" 2>&1)"
exit 0
