// Lesson setup done ahead: a per-lesson image of each student host, made once from a lab on which the
// lesson's setup (and the work of the lessons it builds on) has run, then shut down cleanly and
// committed. A lab made from it boots with the lesson's services already configured and enabled, so
// systemd starts them at boot instead of setup restarting them after it (most of a cold lab's time).
//
// The image is named by a hash of everything setup runs (the lab image's id, every setup and
// prerequisite solution program as the step runner sends it, the hosts), so a changed lesson, library
// or lab image never gets an old image. It is used only when it reproduces what setup made: after
// committing, a lab booted from it must show the same running services, listening sockets and
// firewall as the lab setup ran on; otherwise the lesson is refused and keeps its cold path. Lessons
// that draw a fault per lab, prepare the grader, or leave mail in a queue (whose timers would not
// survive) are never prepared.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stepProgram } from '../checker/step-runner.ts';
import { errorMessage } from '../errors.ts';
import type { Lesson, Step } from '../lessons/schema.ts';
import { type Logger, silentLogger } from '../log.ts';
import { GRADER_HOST, type LabRuntime } from '../runtime/runtime.ts';

export const PREPARED_REPOSITORY = 'maillab/lesson';
/** Bumped when what a prepared image holds changes in a way the programs' hash cannot see. */
const PREPARE_VERSION = 2;
/** A lab left by a preparation that died (the process was killed) is removed after this long. */
const ABANDONED_MS = 15 * 60_000;
/** How long a lesson whose images were refused keeps running its setup before they are tried again. */
const REFUSAL_MS = 24 * 3600_000;

/** Runs a lesson's setup on a lab (Checker.setup). */
export type RunSetup = (labId: string, lesson: Lesson, say: (message: string) => void) => Promise<void>;

export interface PreparedImagesOptions {
  runtime: LabRuntime;
  setup: RunSetup;
  /** The owner label of the labs preparations run on; no server takes them over. */
  owner: string;
  enabled: boolean;
  log?: Logger;
  newLabId: () => string;
  newToken: () => string;
  /**
   * Where refusals are kept (a JSON file in the state directory), so that no process, a CLI start's
   * included, prepares again images already found not to reproduce their setup.
   */
  refusalsFile?: string;
}

export type PrepareOutcome =
  | { status: 'ready' | 'existed'; references: Record<string, string> }
  | { status: 'refused' | 'ineligible'; why: string };

/** Why a lesson can never have prepared images, or undefined when it can. */
export function notPreparable(lesson: Lesson): string | undefined {
  if (lesson.faults.length) return 'it draws a fault per lab';
  if (!lesson.setup.length && !lesson.prerequisites.length) return 'it has no setup';
  const steps = [...lesson.setup, ...lesson.prerequisites.flatMap((p) => [...p.setup, ...solutionSteps(p)])];
  if (steps.some((s) => s.host === GRADER_HOST)) return 'its setup prepares the grader';
  return undefined;
}

function solutionSteps(lesson: Lesson): Step[] {
  return lesson.exercises.flatMap((e) => (e.kind === 'quiz' ? [] : e.solution));
}

/** The hash that names a lesson's prepared images: what setup would run, on which lab image. */
export function preparedKey(lesson: Lesson, labImageId: string): string {
  const programs = (owner: Lesson, steps: Step[]) =>
    steps.map((s) => ({
      host: s.host,
      timeout: s.timeoutSeconds ?? null,
      program: stepProgram(s.host, owner.scripts[s.script] ?? `missing ${s.script}`),
    }));
  const chain = [
    ...lesson.prerequisites.map((p) => ({
      id: p.id,
      setup: programs(p, p.setup),
      solutions: programs(p, solutionSteps(p)),
    })),
    { id: lesson.id, setup: programs(lesson, lesson.setup) },
  ];
  return createHash('sha256')
    .update(JSON.stringify({ v: PREPARE_VERSION, image: labImageId, hosts: lesson.hosts, chain }))
    .digest('hex');
}

export function preparedReference(lesson: Lesson, host: string, key: string): string {
  return `${PREPARED_REPOSITORY}:${lesson.number}-${host}-${key.slice(0, 16)}`;
}

/**
 * What a host looks like to a student after setup, in the parts a reboot could lose: running
 * services and sockets, listening ports (its own address written as ADDR; the engine's DNS on
 * 127.0.0.11 listens on new ports every boot, and a UDP socket on an ephemeral port is a client's),
 * the firewall, the number of messages in postfix's queue, and postfix's and dovecot's effective
 * configuration (`postconf -n`, `doveconf -n`) with the lab's addresses written as ADDR_<host>, so an
 * image that kept the preparation lab's addresses (dovecot's login_trusted_networks) differs. Services
 * D-Bus starts on demand are left out: polkit runs once something asks it (firewall-cmd does), so
 * whether it runs at the look depends on what ran before it, not on the lab (a CI run refused lesson
 * 05 for it). `unique` lines are what must differ between any two labs: the machine-id and every
 * private key under /etc (a hash of each), so an image that carries a secret of the lab it was made
 * on is refused too.
 */
const FINGERPRINT = String.raw`
addr=$(ip -4 -o addr show dev eth0 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | head -1)
systemctl list-units --type=service,socket --state=running,listening --no-legend --plain 2>/dev/null \
  | awk '{print "unit " $1}' | grep -v -E 'systemd-(hostnamed|localed|timedated|logind)|^unit polkit\.service$' | sort
ss -Hltnu 2>/dev/null | awk -v a="$addr" '$5 !~ /^127\.0\.0\.11:/ {l=$5; p=l; sub(/.*:/, "", p); if ($1 == "udp" && p+0 >= 32768) next; if (a != "") gsub(a, "ADDR", l); print "listen " $1 " " l}' | sort -u
if systemctl -q is-active firewalld 2>/dev/null; then firewall-cmd --list-all-zones 2>/dev/null | sed 's/^/firewall /'; fi
echo "queue $(find /var/spool/postfix/incoming /var/spool/postfix/active /var/spool/postfix/deferred /var/spool/postfix/hold /var/spool/postfix/maildrop -type f 2>/dev/null | wc -l)"
names=""
for h in server desktop; do
  ip=$(getent ahostsv4 "$h.example.com" 2>/dev/null | awk 'NR == 1 {print $1}')
  [ -n "$ip" ] && names="$names s/(?<![0-9.])\Q$ip\E(?![0-9])/ADDR_$h/g;"
done
{ command -v postconf >/dev/null && postconf -n 2>/dev/null | sed 's/^/postconf /'
  command -v doveconf >/dev/null && doveconf -n 2>/dev/null | grep -v '^#' | sed 's/^/doveconf /'
} | perl -pe "$names"
echo "unique machine-id $(cat /etc/machine-id 2>/dev/null)"
grep -rlsI -e '-----BEGIN .*PRIVATE KEY-----' /etc 2>/dev/null | sort | while read -r f; do
  echo "unique key $f $(sha256sum < "$f" | cut -c1-16)"
done
`;

export class PreparedImages {
  private readonly runtime: LabRuntime;
  private readonly log: Logger;
  /** Keys whose images did not reproduce their setup, with why: not tried again by this process. */
  private readonly refused = new Map<string, { why: string; at: number }>();
  /** One preparation at a time: each costs two labs' worth of work. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly wanted = new Set<string>();
  /** Labs a preparation of this process is using now, removed if the process stops meanwhile. */
  private readonly active = new Set<string>();
  /** Keys whose images are committed but not yet proven: no lab of this process boots from them. */
  private readonly proving = new Set<string>();
  /** The refusal last logged per lesson, so a page opened again does not log it again. */
  private readonly toldRefusals = new Map<string, string>();
  private stopped = false;

  private readonly opts: PreparedImagesOptions;

  constructor(opts: PreparedImagesOptions) {
    this.opts = { ...opts };
    this.runtime = opts.runtime;
    this.log = opts.log ?? silentLogger;
    this.loadRefusals();
  }

  get enabled(): boolean {
    return this.opts.enabled;
  }

  /** Turns their use on or off (the lesson proofs prove both paths). */
  setEnabled(on: boolean): void {
    this.opts.enabled = on;
  }

  /** The prepared images of every student host of the lesson, or undefined unless all are there. */
  async imagesFor(lesson: Lesson, labImage: string): Promise<Record<string, string> | undefined> {
    return this.opts.enabled ? this.find(lesson, labImage) : undefined;
  }

  private async find(lesson: Lesson, labImage: string): Promise<Record<string, string> | undefined> {
    if (notPreparable(lesson)) return undefined;
    const labImageId = await this.runtime.imageId(labImage);
    if (!labImageId) return undefined;
    const key = preparedKey(lesson, labImageId);
    if (this.proving.has(key)) return undefined;
    const references: Record<string, string> = {};
    for (const host of lesson.hosts) {
      const reference = preparedReference(lesson, host, key);
      if (!(await this.runtime.imageId(reference))) return undefined;
      references[host] = reference;
    }
    return references;
  }

  /** Prepares the lesson's images in the background (one lesson at a time); errors are only logged. */
  want(lesson: Lesson, labImage: string): void {
    if (this.stopped || !this.opts.enabled || notPreparable(lesson) || this.wanted.has(lesson.id)) return;
    this.wanted.add(lesson.id);
    this.queue = this.queue
      .then(() => this.prepare(lesson, labImage))
      .then(
        (outcome) => {
          // Asked for at every opening of a lesson's page: only news is logged, not "existed" or a
          // refusal already told.
          const news =
            outcome.status === 'ready' ||
            (outcome.status === 'refused' && this.toldRefusals.get(lesson.id) !== outcome.why);
          if (outcome.status === 'refused') this.toldRefusals.set(lesson.id, outcome.why);
          if (news) this.log.info({ lesson: lesson.id, outcome }, 'lesson image preparation');
        },
        (err: unknown) =>
          this.log.warn({ lesson: lesson.id, err: errorMessage(err) }, 'lesson image preparation failed'),
      )
      .finally(() => this.wanted.delete(lesson.id));
  }

  /** Stops: no preparation starts any more, and the labs of one under way are removed. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const labId of [...this.active]) await this.runtime.destroyLab(labId).catch(() => {});
  }

  /** Waits for the background preparations asked for so far (tests, `images prepare`). */
  async settled(): Promise<void> {
    await this.queue.catch(() => {});
  }

  /** Makes the lesson's prepared images unless they exist; says what it does. */
  async prepare(
    lesson: Lesson,
    labImage: string,
    say: (m: string) => void = () => {},
  ): Promise<PrepareOutcome> {
    const why = notPreparable(lesson);
    if (why) return { status: 'ineligible', why };
    const labImageId = await this.runtime.imageId(labImage);
    if (!labImageId) return { status: 'ineligible', why: `the lab image ${labImage} is not there` };
    const key = preparedKey(lesson, labImageId);
    const existing = await this.find(lesson, labImage);
    if (existing) return { status: 'existed', references: existing };
    // A refusal holds for a day: one caused by a passing hiccup (a machine under heavy load) is retried.
    const refusal = this.refused.get(key);
    if (refusal && Date.now() - refusal.at < REFUSAL_MS) return { status: 'refused', why: refusal.why };
    await this.removeAbandoned();
    // From the first commit until the proof is done, the images exist but no lab may boot from them.
    this.proving.add(key);
    try {
      return await this.make(lesson, labImage, key, say);
    } finally {
      this.proving.delete(key);
    }
  }

  /** Setup on a lab, a commit per host, then the proof: a lab booted from the images shows the same. */
  private async make(
    lesson: Lesson,
    labImage: string,
    key: string,
    say: (m: string) => void,
  ): Promise<PrepareOutcome> {
    const references = Object.fromEntries(lesson.hosts.map((h) => [h, preparedReference(lesson, h, key)]));
    const labId = this.opts.newLabId();
    this.active.add(labId);
    let expected: Record<string, string>;
    try {
      say(`Making a lab for lesson ${lesson.number} and running its setup`);
      await this.runtime.createLab(this.spec(labId, lesson, labImage), say);
      await this.opts.setup(labId, lesson, say);
      if (this.stopped) throw new Error('maillab stopped while the lesson was being prepared');
      expected = await this.fingerprints(labId, lesson.hosts);
      const queued = Object.entries(expected).find(([, print]) => !/^queue 0$/m.test(print));
      if (queued)
        return this.refuse(
          key,
          `mail waits in ${queued[0]}'s queue after setup, and its timers would not survive`,
        );
      say('Saving each host as an image');
      for (const host of lesson.hosts) await this.runtime.commitHost(labId, host, references[host] as string);
    } finally {
      await this.runtime.destroyLab(labId).catch(() => {});
      this.active.delete(labId);
    }

    // The proof: a lab from the images shows what setup left.
    const checkId = this.opts.newLabId();
    this.active.add(checkId);
    let differences: string[] = [];
    try {
      say('Booting a lab from the images to compare it with the one setup ran on');
      await this.runtime.createLab({ ...this.spec(checkId, lesson, labImage), hostImages: references }, say);
      const found = await this.fingerprints(checkId, lesson.hosts);
      differences = lesson.hosts.flatMap((host) => difference(host, expected[host] ?? '', found[host] ?? ''));
    } finally {
      await this.runtime.destroyLab(checkId).catch(() => {});
      this.active.delete(checkId);
    }
    if (differences.length) {
      for (const reference of Object.values(references)) await this.runtime.removeImage(reference);
      return this.refuse(
        key,
        `a lab booted from the images differs from setup's: ${differences.slice(0, 4).join('; ')}`,
      );
    }
    await this.pruneOlder(lesson, key);
    return { status: 'ready', references };
  }

  /** Prepared images on the engine, for `doctor` and `images list`. */
  async list(): Promise<{ reference: string; createdAt: string; bytes: number }[]> {
    const images = await this.runtime.listImages(PREPARED_REPOSITORY);
    return images.flatMap((i) =>
      i.tags.map((reference) => ({ reference, createdAt: i.createdAt, bytes: i.bytes })),
    );
  }

  /** Removes every prepared image (`images prune`); one a lab still uses stays. */
  async removeAll(): Promise<{ removed: number; kept: number }> {
    let removed = 0;
    let kept = 0;
    for (const { reference } of await this.list())
      (await this.runtime.removeImage(reference)) ? removed++ : kept++;
    return { removed, kept };
  }

  private spec(labId: string, lesson: Lesson, image: string) {
    return {
      labId,
      // Not a lesson's id, so no server adopts the lab as a student's (as an image self-test's).
      lesson: `prepare-${lesson.id}`,
      owner: this.opts.owner,
      token: this.opts.newToken(),
      hosts: lesson.hosts,
      image,
      background: true,
    };
  }

  private refuse(key: string, why: string): PrepareOutcome {
    this.refused.set(key, { why, at: Date.now() });
    if (this.opts.refusalsFile) {
      try {
        mkdirSync(path.dirname(this.opts.refusalsFile), { recursive: true });
        writeFileSync(this.opts.refusalsFile, JSON.stringify(Object.fromEntries(this.refused), null, 1));
      } catch (err) {
        this.log.warn({ err: errorMessage(err) }, 'refusal of prepared images not saved');
      }
    }
    return { status: 'refused', why };
  }

  private loadRefusals(): void {
    if (!this.opts.refusalsFile) return;
    try {
      const saved = JSON.parse(readFileSync(this.opts.refusalsFile, 'utf8')) as Record<string, unknown>;
      for (const [key, value] of Object.entries(saved)) {
        const { why, at } = (value ?? {}) as { why?: unknown; at?: unknown };
        if (typeof why === 'string' && typeof at === 'number') this.refused.set(key, { why, at });
      }
    } catch {
      // None saved yet, or unreadable: preparations are tried again, and refused again if they must be.
    }
  }

  private async fingerprints(labId: string, hosts: string[]): Promise<Record<string, string>> {
    const prints: Record<string, string> = {};
    for (const host of hosts) {
      const result = await this.runtime.exec(labId, host, ['bash', '-c', FINGERPRINT], { timeoutMs: 30_000 });
      prints[host] = result.stdout.trim();
    }
    return prints;
  }

  /** Older images of the same lesson (another key: an earlier lesson text or lab image). */
  private async pruneOlder(lesson: Lesson, key: string): Promise<void> {
    const current = new Set(lesson.hosts.map((h) => preparedReference(lesson, h, key)));
    for (const { reference } of await this.list()) {
      const tag = reference.slice(PREPARED_REPOSITORY.length + 1);
      if (!current.has(reference) && lesson.hosts.some((h) => tag.startsWith(`${lesson.number}-${h}-`)))
        await this.runtime.removeImage(reference);
    }
  }

  private async removeAbandoned(): Promise<void> {
    const labs = await this.runtime.listLabs();
    for (const lab of labs)
      if (lab.owner === this.opts.owner && Date.now() - Date.parse(lab.createdAt) > ABANDONED_MS)
        await this.runtime.destroyLab(lab.labId).catch(() => {});
  }
}

/**
 * What differs between two looks at a host that should match: every line but the `unique` ones must
 * be in both; each `unique <what> <value>` must be there in both with different values.
 */
export function difference(host: string, expected: string, found: string): string[] {
  const split = (print: string) => {
    const same = new Set<string>();
    const unique = new Map<string, string>();
    for (const line of print.split('\n')) {
      const m = /^unique (.+) (\S*)$/.exec(line);
      if (m) unique.set(m[1] as string, m[2] as string);
      else same.add(line);
    }
    return { same, unique };
  };
  const want = split(expected);
  const got = split(found);
  return [
    ...[...want.same].filter((l) => !got.same.has(l)).map((l) => `${host} lacks "${l}"`),
    ...[...got.same].filter((l) => !want.same.has(l)).map((l) => `${host} has "${l}" too`),
    ...[...want.unique].flatMap(([what, value]) => {
      const other = got.unique.get(what);
      if (other === undefined) return [`${host} lacks its ${what}`];
      return !value || other === value
        ? [`${host}'s ${what} is the one of the lab the images were made on`]
        : [];
    }),
    ...[...got.unique.keys()]
      .filter((what) => !want.unique.has(what))
      .map((what) => `${host} has a ${what} too`),
  ];
}
