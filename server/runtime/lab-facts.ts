// What a prepared lesson image must not carry from the lab it was made on, and how a lab booted from
// it gets its own. Two kinds of fact:
// - secrets made at preparation: postfix's TLS key (made at the host's boot by maillab-host-keys.service)
//   and dovecot's (made by dovecot-init). Deleted when the image is sealed; a lab booted from the image
//   makes new ones as on its first boot from the plain image: maillab-host-keys.service at every boot
//   where postfix's are missing, dovecot-init when dovecot starts.
// - the preparation lab's addresses (lesson 10's solution writes desktop's into dovecot's
//   login_trusted_networks). Sealing swaps each host's address for a stand-in of the documentation
//   range 192.0.2.0/24 (RFC 5737: routed nowhere), so the image names no lab; once the new lab's hosts
//   are up, the fix-up below swaps the stand-ins for the new addresses and reloads what read them.
// The fix-up runs after boot, from the runtime (no student shell exists yet): at boot the host cannot
// know the others' addresses (/etc/hosts is written after boot, and Podman's lab DNS comes later).

/** Where lesson setups write addresses: mail and firewall configuration. */
const ADDRESS_DIRS = ['/etc/postfix', '/etc/dovecot', '/etc/firewalld'];

/** The stand-in address of a lab host in a prepared image (fixed per host name). */
export function standInAddress(host: string): string {
  const fixed: Record<string, number> = { server: 2, desktop: 3, grader: 4 };
  let n = fixed[host];
  if (n === undefined) {
    n = 10;
    for (const c of host) n = (n * 31 + c.charCodeAt(0)) % 200;
    n += 20;
  }
  return `192.0.2.${n}`;
}

/** `from=to` pairs, one argument each, for the scripts below. */
export function swapPairs(pairs: [from: string, to: string][]): string[] {
  return pairs.filter(([from, to]) => from && to && from !== to).map(([from, to]) => `${from}=${to}`);
}

// swap FROM=TO...: every whole occurrence of each address in the text files under ADDRESS_DIRS
// (not part of a longer one: 10.0.0.2 leaves 10.0.0.23 alone); prints the files that held one.
const SWAP = String.raw`
swap() {
  pattern=$(printf '%s\n' "$@" | cut -d= -f1 | sed 's/[.]/[.]/g' | paste -sd'|')
  files=$(grep -rlsIE "$pattern" ${ADDRESS_DIRS.join(' ')} || true)
  [ -n "$files" ] || return 0
  PAIRS="$*" perl -pi -e 'BEGIN { for (split / /, $ENV{PAIRS}) { my ($f, $t) = split /=/; push @s, [qr/(?<![0-9.])\Q$f\E(?![0-9])/, $t] } } for my $x (@s) { s/$x->[0]/$x->[1]/g }' $files
  printf '%s\n' $files
}`;

/**
 * Run in the sealing container (bash, no network) with the preparation lab's address swaps as
 * arguments: secrets deleted, addresses swapped for stand-ins.
 */
export const SEAL_FACTS_SCRIPT = `
set -e
rm -f /etc/pki/tls/certs/postfix.pem /etc/pki/tls/private/postfix.key
rm -f /etc/pki/dovecot/certs/dovecot.pem /etc/pki/dovecot/private/dovecot.pem
rm -f /var/lib/postfix/prng_exch /var/lib/postfix/*scache*
${SWAP}
[ $# -eq 0 ] || swap "$@" >/dev/null
`;

/**
 * Run on a host booted from a prepared image, before the lab is handed over, with the stand-in swaps
 * as arguments: the new addresses written, and each service whose files changed told to read them.
 * Prints the services it reloaded.
 */
export const FIX_UP_SCRIPT = `
${SWAP}
changed=$(swap "$@") || exit 1
[ -n "$changed" ] || exit 0
if grep -q '^/etc/dovecot/' <<<"$changed" && systemctl -q is-active dovecot; then systemctl reload dovecot && echo dovecot; fi
if grep -q '^/etc/postfix/' <<<"$changed" && systemctl -q is-active postfix; then postfix reload >/dev/null 2>&1 && echo postfix; fi
if grep -q '^/etc/firewalld/' <<<"$changed" && systemctl -q is-active firewalld; then firewall-cmd -q --reload && echo firewalld; fi
exit 0
`;
