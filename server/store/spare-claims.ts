// Who claimed which spare lab. A spare is made ahead under a reserved owner (a container's owner label
// cannot change afterwards), so the student who takes it is written here, in the state directory the
// server and the CLI share: one file per claimed lab, created exclusively, so two processes claiming
// the same spare at once cannot both win. The reserved owner names the state directory ("spare-" and a
// hash of its path): maillabs with other state directories on the same engine (a test, a second
// install) neither see nor take each other's spares, since they could not see each other's claims.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Every reserved spare owner starts with this; no person's owner id may. */
export const SPARE_PREFIX = 'spare-';

export class SpareClaims {
  private readonly dir: string;
  /** The owner label of this state directory's labs made ahead, not yet anyone's. */
  readonly spareOwner: string;

  constructor(stateDir: string) {
    const resolved = path.resolve(stateDir);
    this.dir = path.join(resolved, 'spare-claims');
    this.spareOwner = `${SPARE_PREFIX}${createHash('sha256').update(resolved).digest('hex').slice(0, 10)}`;
  }

  private file(labId: string): string {
    if (!/^[0-9a-f]+$/.test(labId)) throw new Error(`not a lab id: ${labId}`);
    return path.join(this.dir, labId);
  }

  /** True for exactly one caller per lab, across processes. */
  async claim(labId: string, owner: string): Promise<boolean> {
    await mkdir(this.dir, { recursive: true });
    try {
      await writeFile(this.file(labId), JSON.stringify({ owner, at: new Date().toISOString() }), {
        flag: 'wx',
        mode: 0o600,
      });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
  }

  /** The owner who claimed a spare, or undefined while it is nobody's. */
  async ownerOf(labId: string): Promise<string | undefined> {
    try {
      const parsed = JSON.parse(await readFile(this.file(labId), 'utf8')) as { owner?: unknown };
      return typeof parsed.owner === 'string' ? parsed.owner : undefined;
    } catch {
      return undefined;
    }
  }

  /** Forgets a lab's claim once the lab is gone. */
  async forget(labId: string): Promise<void> {
    await rm(this.file(labId), { force: true });
  }
}
