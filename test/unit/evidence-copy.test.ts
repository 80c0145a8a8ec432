import type { Readable } from 'node:stream';
import { extract as tarExtract, pack as tarPack } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import {
  anyFileContains,
  type CopiedEntry,
  filterArchive,
  MERGE_SKIP_LIMIT,
  packEntries,
  planReads,
} from '../../server/runtime/evidence-copy.ts';

/** An archive as the engine sends it for /etc/postfix: entries named relative to /etc. */
function engineArchive(entries: { name: string; type?: string; content?: string; linkname?: string }[]) {
  const pack = tarPack();
  for (const e of entries) {
    const header = {
      name: e.name,
      type: (e.type ?? 'file') as 'file',
      mode: 0o600,
      ...(e.linkname ? { linkname: e.linkname } : {}),
    };
    if (e.content !== undefined) pack.entry(header, e.content);
    else pack.entry(header);
  }
  pack.finalize();
  return pack as unknown as Readable;
}

async function names(archive: Readable): Promise<string[]> {
  const out: string[] = [];
  const extract = tarExtract();
  extract.on('entry', (header, stream, next) => {
    out.push(`${header.type}:${header.name}`);
    stream.on('end', next);
    stream.resume();
  });
  await new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
    archive.pipe(extract);
  });
  return out;
}

describe('evidence copied from a student host', () => {
  it('keeps files and directories under their absolute path and drops links and devices', async () => {
    const filtered = await filterArchive(
      engineArchive([
        { name: 'postfix/', type: 'directory' },
        { name: 'postfix/main.cf', content: 'mydestination =\n' },
        { name: 'postfix/shadow', type: 'symlink', linkname: '/etc/shadow' },
        { name: 'postfix/hard', type: 'link', linkname: 'postfix/main.cf' },
        { name: 'postfix/fifo', type: 'fifo' },
      ]),
      '/etc/postfix',
      { bytes: 1024, entries: 100 },
    );
    expect(filtered.entries.map((e) => `${e.type}:${e.name}`)).toEqual([
      'directory:etc/postfix',
      'file:etc/postfix/main.cf',
    ]);
    expect(filtered.entries[1]?.mode).toBe(0o600);
    expect(filtered.dropped).toEqual([
      'etc/postfix/shadow: a symbolic link, not followed',
      'etc/postfix/hard: a link, not copied',
      'etc/postfix/fifo: a fifo, not copied',
    ]);
  });

  it('refuses names that climb out of the copy', async () => {
    const filtered = await filterArchive(
      engineArchive([{ name: '../../root/.ssh/authorized_keys', content: 'key' }]),
      '/etc/postfix',
      { bytes: 1024, entries: 100 },
    );
    expect(filtered.entries).toEqual([]);
    expect(filtered.dropped[0]).toMatch(/outside the copy/);
  });

  it('stops at the size limit shared by every path of one copy, and says so', async () => {
    const budget = { bytes: 10, entries: 100 };
    const first = await filterArchive(engineArchive([{ name: 'a', content: '12345678' }]), '/a', budget);
    const second = await filterArchive(engineArchive([{ name: 'b', content: '12345' }]), '/b', budget);
    expect(first.entries).toHaveLength(1);
    expect(second.entries).toHaveLength(0);
    expect(second.truncated).toMatch(/larger than the evidence limit/);
  });

  it('packs what it kept with every parent directory, and finds a nonce in it', async () => {
    const entries: CopiedEntry[] = [
      {
        name: 'var/spool/mail/student',
        type: 'file',
        mode: 0o600,
        uid: 0,
        gid: 0,
        mtime: new Date(0),
        content: Buffer.from('Nonce: ml1'),
      },
    ];
    expect(await names(packEntries(entries))).toEqual([
      'directory:var/',
      'directory:var/spool/',
      'directory:var/spool/mail/',
      'file:var/spool/mail/student',
    ]);
    expect(anyFileContains(entries, 'ml1')).toBe(true);
    expect(anyFileContains(entries, 'ml2')).toBe(false);
  });

  it('reads three or more siblings as their parent, and everything else path by path', () => {
    const queue = ['maildrop', 'incoming', 'active', 'deferred'].map((d) => `/var/spool/postfix/${d}`);
    expect(planReads(['/etc/postfix', ...queue, '/var/log/journal', '/etc/postfix'])).toEqual([
      { path: '/etc/postfix' },
      { path: '/var/spool/postfix', wanted: queue },
      { path: '/var/log/journal' },
    ]);
    // Two siblings are not worth a parent's archive; / and /etc are never read whole.
    expect(planReads(['/etc/postfix', '/etc/dovecot'])).toEqual([
      { path: '/etc/postfix' },
      { path: '/etc/dovecot' },
    ]);
    expect(planReads(['/a', '/b', '/c'])).toEqual([{ path: '/a' }, { path: '/b' }, { path: '/c' }]);
    expect(planReads(['/etc/postfix', '/etc/dovecot', '/etc/pki'])).toHaveLength(3);
    // A parent that is itself asked for (or lies inside another request) is read as asked.
    expect(planReads(['/var/spool/postfix', ...queue.slice(0, 3)])).toHaveLength(4);
  });

  it('keeps only the wanted entries of a parent read, and names which of them it saw', async () => {
    const budget = { bytes: 1024, entries: 100 };
    const filtered = await filterArchive(
      engineArchive([
        { name: 'postfix/', type: 'directory' },
        { name: 'postfix/maildrop/', type: 'directory' },
        { name: 'postfix/maildrop/A1', content: 'queued' },
        { name: 'postfix/pid/master.pid', content: '12' },
        { name: 'postfix/hold', type: 'symlink', linkname: '/etc' },
      ]),
      '/var/spool/postfix',
      budget,
      ['/var/spool/postfix/maildrop', '/var/spool/postfix/hold', '/var/spool/postfix/deferred'],
    );
    expect(filtered.entries.map((e) => `${e.type}:${e.name}`)).toEqual([
      'directory:var/spool/postfix/maildrop',
      'file:var/spool/postfix/maildrop/A1',
    ]);
    expect(filtered.dropped).toEqual(['var/spool/postfix/hold: a symbolic link, not followed']);
    expect(filtered.seen).toEqual(['var/spool/postfix/maildrop', 'var/spool/postfix/hold']);
    expect(budget).toEqual({ bytes: 1024 - 6, entries: 98 });
  });

  it('gives up a parent read that would skip too much, handing its budget back', async () => {
    const budget = { bytes: 64 * 1024 * 1024, entries: 100 };
    const filtered = await filterArchive(
      engineArchive([
        { name: 'postfix/maildrop/A1', content: 'queued' },
        { name: 'postfix/filler', content: 'x'.repeat(MERGE_SKIP_LIMIT.bytes + 1) },
        { name: 'postfix/incoming/B2', content: 'queued' },
      ]),
      '/var/spool/postfix',
      budget,
      ['/var/spool/postfix/maildrop', '/var/spool/postfix/incoming', '/var/spool/postfix/active'],
    );
    expect(filtered.abandoned).toBe(true);
    expect(filtered.entries).toEqual([]);
    expect(filtered.seen).toEqual([]);
    expect(budget).toEqual({ bytes: 64 * 1024 * 1024, entries: 100 });
  });
});
