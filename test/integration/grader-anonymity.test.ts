// Nothing in a lab names or singles out the checker: as root on server and desktop, no name leads to
// the grader, checks come from a fresh address each, and the judge library's policy helpers read a
// configuration for every class of client (real postfix over XCLIENT, real doveconf).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVIDENCE_DIR, stepProgram } from '../../server/checker/step-runner.ts';
import type { Services } from '../../server/compose.ts';
import { newLabId, newToken } from '../../server/labs/lab-service.ts';
import type { LabInfo } from '../../server/runtime/runtime.ts';
import { realEngine } from '../support/engine.ts';

const services = await realEngine();

describe.runIf(services)('the grader, unnoticed, on a real lab', () => {
  const s = services as Services;
  let lab: LabInfo;
  let graderAddress = '';
  let graderContainer = '';
  let env: Record<string, string>;

  const onHost = async (host: string, script: string) =>
    s.runtime.exec(lab.labId, host, ['/bin/bash', '-c', script], { timeoutMs: 30_000 });
  /** Runs bash on the grader as a judge step runs, with the library loaded. */
  const judge = async (script: string) => {
    const result = await s.runtime.exec(
      lab.labId,
      'grader',
      ['/bin/bash', '-c', stepProgram('grader', script), 'test'],
      { env, timeoutMs: 60_000 },
    );
    expect(result.stderr, `stderr of: ${script}`).not.toMatch(/Traceback|syntax error/);
    return result.stdout.trim();
  };
  /** A new Check: the checker empties the work directory before its first grader step. */
  const newCheck = () => onHost('grader', 'rm -rf /var/lib/maillab/work && mkdir -p /var/lib/maillab/work');

  beforeAll(async () => {
    const image = (await s.images.ensure()).image;
    const labId = newLabId();
    lab = await s.runtime.createLab({
      labId,
      lesson: 'test-anonymity',
      owner: 'test-anonymity',
      token: newToken(),
      hosts: ['server', 'desktop'],
      image,
    });
    const grader = lab.hosts.find((h) => h.name === 'grader');
    graderAddress = grader?.address ?? '';
    graderContainer = grader?.containerName ?? '';
    env = { MAILLAB_EVIDENCE: EVIDENCE_DIR, PATH: '/usr/sbin:/usr/bin:/sbin:/bin', MAILLAB_NONCE: 'ml0' };
    for (const h of lab.hosts) if (h.address) env[`MAILLAB_IP_${h.name}`] = h.address;
  });

  afterAll(async () => {
    if (lab) await s.runtime.destroyLab(lab.labId);
  });

  it("keeps the grader's names and address out of every student host's /etc/hosts", async () => {
    expect(graderAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    for (const host of ['server', 'desktop']) {
      const hosts = await onHost(host, 'cat /etc/hosts');
      expect(hosts.stdout).not.toMatch(/grader/);
      expect(hosts.stdout.split(/\s+/)).not.toContain(graderAddress);
      expect(hosts.stdout).toMatch(/server\.example\.com/);
    }
  });

  it('resolves no name of the grader from server or desktop, through the resolver or the engine DNS', async () => {
    const names = [
      'grader',
      'grader.example.com',
      `maillab-${lab.labId}-grader`,
      `maillab-${lab.labId}-grader.maillab-${lab.labId}`,
      `grader.maillab-${lab.labId}`,
    ];
    const engineDns = (await s.runtime.info()).product === 'docker';
    for (const host of ['server', 'desktop']) {
      for (const name of names) {
        const getent = await onHost(host, `getent ahostsv4 ${name}`);
        expect(getent.stdout, `${host} resolved ${name}`).toBe('');
        if (engineDns) {
          const dig = await onHost(host, `dig +short +time=1 +tries=1 @127.0.0.11 ${name} A`);
          expect(dig.stdout, `${host} got an answer for ${name}`).not.toMatch(/^\d+\.\d+\.\d+\.\d+$/m);
        }
      }
      // The container's own name does not say what it is.
      expect(graderContainer).not.toMatch(/grader/);
    }
    // The grader still knows every host by name.
    const known = await onHost('grader', 'getent ahostsv4 server.example.com desktop.example.com | wc -l');
    expect(Number(known.stdout.trim())).toBeGreaterThan(0);
  });

  it("probes from a fresh address of the lab's subnet each Check, which ip_of grader names", async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) {
      await newCheck();
      // The server records whoever connects; the grader connects with bash, not a judge helper: the
      // route's source address applies to every program on the grader.
      const listen = await onHost(
        'server',
        `rm -f /tmp/peer; systemd-run --quiet --collect --unit=maillab-test-peer-${i} python3 -c "import socket; s = socket.create_server(('', 7788)); c, a = s.accept(); open('/tmp/peer', 'w').write(a[0])"`,
      );
      expect(listen.exitCode).toBe(0);
      const probe = await judge(
        `for n in $(seq 40); do (exec 3<>/dev/tcp/server.example.com/7788) 2>/dev/null && break; sleep 0.1; done; ip_of grader`,
      );
      const peer = await onHost(
        'server',
        'for n in $(seq 20); do [ -s /tmp/peer ] && break; sleep 0.1; done; cat /tmp/peer',
      );
      expect(peer.stdout.trim()).toBe(probe);
      expect(probe).not.toBe(graderAddress);
      expect(probe.split('.').slice(0, 3)).toEqual(graderAddress.split('.').slice(0, 3));
      // Later steps of the same Check keep the address.
      expect(await judge('ip_of grader')).toBe(probe);
      seen.add(probe);
    }
    // Three draws among ten or so free addresses: all alike has a chance of about 1 in 100.
    expect(seen.size).toBeGreaterThan(1);
  });

  /** Fixtures: the grader's own /etc/postfix and /etc/dovecot as if copied from server, then edited. */
  const fixture = async (edit: string) => {
    await newCheck();
    const out = await onHost(
      'grader',
      `set -e; E=${EVIDENCE_DIR}/server/etc; rm -rf "$E"; mkdir -p "$E"; cp -a /etc/postfix /etc/dovecot "$E/"
       P="$E/postfix"; D="$E/dovecot"; desktop=${env.MAILLAB_IP_desktop}; net=$(ip -4 route show proto kernel dev eth0 | awk 'NR == 1 {print $1}')
       ${edit}`,
    );
    expect(out.exitCode, out.stderr).toBe(0);
  };

  it('finds no one who may relay when mynetworks trusts loopback and desktop, written as a hash: table too', async () => {
    await fixture(`postconf -c "$P" -e "mynetworks = 127.0.0.0/8, $desktop/32"`);
    expect(await judge('relay_policy server; echo "status $?"')).toBe('status 0');
    await fixture(
      `printf '%s OK\\n' "$desktop" > "$P/relay_clients"; postconf -c "$P" -e 'mynetworks = 127.0.0.0/8, hash:/etc/postfix/relay_clients'`,
    );
    expect(await judge('relay_policy server; echo "status $?"')).toBe('status 0');
  });

  it('finds the lab addresses that may relay when mynetworks leaves out only the prober', async () => {
    await fixture(`postconf -c "$P" -e "mynetworks = 127.0.0.0/8, !${graderAddress}, $net"`);
    const out = await judge('relay_policy server; echo "status $?"');
    const relaying = out.split('\n').map((line) => line.split('\x1f'));
    expect(relaying.some(([cls, , reply]) => cls === 'other' && reply?.startsWith('250 '))).toBe(true);
    expect(out).not.toMatch(/^outside/m);
    const verdict = await judge('relay_verdict no-relay server "Refused from the grader."');
    expect(verdict).toMatch(/\tfail\tno-relay\t.*neither server nor desktop/);
  });

  it('finds the outside clients that may relay, and the -o options of master.cf count', async () => {
    await fixture(`postconf -c "$P" -e 'mynetworks = 127.0.0.0/8, 192.0.2.0/24, 198.51.100.0/24'`);
    expect(await judge("relay_policy server | cut -d$'\\x1f' -f1 | sort -u")).toBe('outside');
    await fixture(
      `postconf -c "$P" -e 'mynetworks = 127.0.0.0/8'; postconf -c "$P" -P "smtp/inet/mynetworks=127.0.0.0/8,$net" 'smtp/inet/smtpd_authorized_xclient_hosts='`,
    );
    expect(await judge("relay_policy server | cut -d$'\\x1f' -f1 | sort -u")).toBe('other');
  });

  it("judges dovecot's plaintext policy per client, remote blocks and absolute !include files read", async () => {
    await fixture(
      `printf 'login_trusted_networks = %s/32\\n' "$desktop" > "$D/trusted.conf"; printf '\\n!include /etc/dovecot/trusted.conf\\n' >> "$D/dovecot.conf"`,
    );
    expect(await judge('plaintext_policy server; echo "status $?"')).toBe('status 0');
    // dc reads the included file of the copy, not the grader's own /etc/dovecot.
    expect(await judge('dc server login_trusted_networks')).toBe(`${env.MAILLAB_IP_desktop}/32`);
    const desktopMay = await judge(
      `dc_plaintext_for server ${env.MAILLAB_IP_desktop} | cut -d$'\\x1f' -f2 | sort -u`,
    );
    expect(desktopMay).toBe('allowed');
    await fixture(
      `printf 'disable_plaintext_auth = no\\nssl = yes\\nremote ${graderAddress} {\\n  disable_plaintext_auth = yes\\n}\\n' > "$D/conf.d/99-cheat.conf"`,
    );
    expect(await judge(`dc_plaintext_for server ${graderAddress} | cut -d$'\\x1f' -f2 | sort -u`)).toBe(
      'refused',
    );
    const others = await judge("plaintext_policy server | cut -d$'\\x1f' -f1 | sort -u");
    expect(others.split('\n')).toEqual(['other', 'outside']);
  });
});
