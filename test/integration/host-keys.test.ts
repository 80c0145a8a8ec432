// Keys are never shared between labs: the lab image carries no private key, and each host makes its
// own at boot (postfix's, maillab-host-keys.service) or when the package's unit first runs (dovecot's,
// dovecot-init.service). Two labs booted from the same image are compared host by host, on the real
// engine: every private key anywhere a key made at install could live, its public key, owner and mode.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../server/compose.ts';
import { newLabId, newToken } from '../../server/labs/lab-service.ts';
import { realEngine } from '../support/engine.ts';

const services = await realEngine();
const HOSTS = ['server', 'desktop', 'grader'] as const;

// One line per private key: "<path> <mode> <owner> <group> <SHA-256 of its public key, DER>". The
// places are those the image recipes refuse to ship a key in; /usr holds only keys every copy of a
// package ships (documentation examples).
const LIST_KEYS = `
grep -rlsI -e '^-----BEGIN [A-Z ]*PRIVATE KEY-----' /etc /var /root /home /srv /opt /usr/local | sort |
while read -r f; do
  pub=$(openssl pkey -in "$f" -pubout -outform DER 2>/dev/null | sha256sum | cut -c1-64)
  echo "$f $(stat -c '%a %U %G' "$f") $pub"
done`;

interface KeyFile {
  path: string;
  mode: number;
  owner: string;
  group: string;
  publicKey: string;
}

describe.runIf(services)('TLS keys of lab hosts', () => {
  const s = services as Services;
  const labs: string[] = [];
  const keys = new Map<string, KeyFile[]>();

  const listKeys = async (labId: string, host: string): Promise<KeyFile[]> => {
    const result = await s.runtime.exec(labId, host, ['/bin/bash', '-c', LIST_KEYS]);
    expect(result.exitCode, result.stderr).toBe(0);
    return result.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [path = '', mode = '', owner = '', group = '', publicKey = ''] = line.split(' ');
        return { path, mode: Number.parseInt(mode, 8), owner, group, publicKey };
      });
  };

  beforeAll(async () => {
    const image = (await s.images.ensure()).image;
    for (let i = 0; i < 2; i++) {
      const labId = newLabId();
      labs.push(labId);
      await s.runtime.createLab({
        labId,
        lesson: 'test-host-keys',
        owner: 'test',
        token: newToken(),
        hosts: ['server', 'desktop'],
        image,
      });
      // What dovecot's first start runs: the package's own unit that makes dovecot's key.
      const init = await s.runtime.exec(labId, 'server', ['systemctl', 'start', 'dovecot-init.service']);
      expect(init.exitCode, init.stderr).toBe(0);
      for (const host of HOSTS) keys.set(`${labId}/${host}`, await listKeys(labId, host));
    }
  }, 240_000);

  afterAll(async () => {
    for (const labId of labs) await s.runtime.destroyLab(labId).catch(() => {});
  });

  it("has each host holding postfix's key from its boot, and server dovecot's once dovecot-init ran", () => {
    for (const labId of labs) {
      for (const host of HOSTS) {
        const want = ['/etc/pki/tls/private/postfix.key'];
        if (host === 'server') want.unshift('/etc/pki/dovecot/private/dovecot.pem');
        expect(
          keys.get(`${labId}/${host}`)?.map((k) => k.path),
          `${host}: no other key (Debian's snakeoil, a build-time one)`,
        ).toEqual(want);
      }
    }
  });

  it('gives no two hosts of any two labs the same key', () => {
    const all = [...keys.entries()].flatMap(([where, list]) => list.map((k) => ({ where, ...k })));
    expect(all.length).toBe(labs.length * (HOSTS.length + 1));
    for (const key of all) expect(key.publicKey, `${key.where} ${key.path}`).toMatch(/^[0-9a-f]{64}$/);
    const seen = new Map<string, string>();
    for (const key of all) {
      const other = seen.get(key.publicKey);
      expect(other, `${key.where} ${key.path} has the same key as ${other}`).toBeUndefined();
      seen.set(key.publicKey, `${key.where} ${key.path}`);
    }
  });

  it('lets root alone read every key: owner root, no group or other bits (an ACL would show in the group bits)', () => {
    for (const [where, list] of keys) {
      for (const key of list) {
        expect(`${key.owner}:${key.group}`, `${where} ${key.path}`).toBe('root:root');
        expect(key.mode & 0o077, `${where} ${key.path} mode ${key.mode.toString(8)}`).toBe(0);
      }
    }
  });
});
