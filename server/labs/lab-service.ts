// Owns the life of labs: start (or reuse) a lab for an owner and lesson, track its progress, reset,
// finish, and re-adopt labs left running by an earlier process. Ids and tokens are unguessable.
import { randomBytes } from 'node:crypto';
import type { Checker } from '../checker/checker.ts';
import { weightedScore } from '../checker/result.ts';
import { errorMessage, labNotFound, MaillabError } from '../errors.ts';
import type { LessonCatalog } from '../lessons/catalog.ts';
import { type Logger, silentLogger } from '../log.ts';
import { GRADER_HOST, type LabInfo, type LabRuntime } from '../runtime/runtime.ts';
import type { ExerciseResult, GradeReport, HandIn } from '../shared/check-result.ts';
import type { GraderStore } from '../store/grader-store.ts';
import type { SpareClaims } from '../store/spare-claims.ts';
import { duringExam, type ExamRecord, examState, isOver, minutesLate, newExam } from './exam.ts';
import type { PreparedImages } from './prepared-images.ts';

/** Labs whose process counts are asked for at once by the fork-bomb watch. */
const PROCESS_LOOKS_AT_ONCE = 10;

export type LabStatus = 'starting' | 'ready' | 'failed';

export interface LabState {
  labId: string;
  lesson: string;
  owner: string;
  token: string;
  status: LabStatus;
  progress: string[];
  error?: string;
  /** The latest Check result per exercise, so a reloaded page shows it again; a reset clears it. */
  results: Record<string, ExerciseResult>;
  /** When the student revealed each exercise's worked solution (ISO time); kept with the verdicts. */
  revealed: Record<string, string>;
  /** A break-fix lab's fault (kept on the grader; never sent to the page). */
  fault?: string;
  /** An exam lab's clock and hand-in (kept on the grader). */
  exam?: ExamRecord;
  /** True from the moment an exam's hand-in begins: no new shells, no more checks of live hosts. */
  closed?: boolean;
  /** Who last reset this lab, and when: the page tells the student, and starts its results over. */
  reset?: LabReset;
  /** Settles when the lab is ready (resolves) or failed (rejects). */
  ready: Promise<LabState>;
  /** How long the lesson's setup ran while the lab was made (ms; none when it booted prepared). */
  setupMs?: number;
}

export interface LabReset {
  by: 'student' | 'instructor';
  /** ISO time. */
  at: string;
}

/** What a lab's open shells are told when an instructor resets it (the student did not ask for it). */
export function instructorResetNote(at: string): string {
  return `Your instructor reset this lab at ${at.slice(11, 16)} UTC: its hosts are being made anew. Your attempts so far are kept.`;
}

/**
 * Told of what happens to labs, for the record kept after they are gone (server/labs/progress-recorder.ts):
 * every completed check attempt, reveals, and each lab's start, ready and end.
 */
export interface LabRecorder {
  labStarted(lab: Pick<LabState, 'labId' | 'owner' | 'lesson'>): void;
  labReady(lab: Pick<LabState, 'labId' | 'owner' | 'lesson'>): void;
  /** A spare lab (made ahead, owned by nobody) was taken by a student, ready at once. */
  labClaimed(lab: Pick<LabState, 'labId' | 'owner' | 'lesson'>): void;
  labEnded(labId: string, reason: 'finished' | 'reset' | 'expired'): void;
  /** False when the store could not write it (disk full, read-only): then nobody is told it was. */
  attempt(lab: Pick<LabState, 'labId' | 'owner' | 'lesson'>, result: ExerciseResult, ms: number): boolean;
  reveal(lab: Pick<LabState, 'labId' | 'owner' | 'lesson'>, exerciseId: string, at: string): void;
}

export interface LabServiceOptions {
  runtime: LabRuntime;
  lessons: LessonCatalog;
  checker: Checker;
  store: GraderStore;
  /** The lab image to use; may build it on first use. */
  image: (onProgress: (message: string) => void) => Promise<string>;
  maxLabs?: number;
  log?: Logger;
  /** Told when a lab's hosts go away (reset, finish), e.g. to close its terminals. */
  /** A lab's hosts go (reset, finish, expiry): its shells close, told why when a reason is given. */
  onLabGone?: (labId: string, reason?: string) => void;
  /** Keeps the record of attempts and reveals (the SQLite store); none in some unit tests. */
  recorder?: LabRecorder;
  /** Which owners' labs this service takes over at start-up (all when omitted). */
  adopts?: (owner: string) => boolean;
  /** Who took which spare lab (labs made ahead); without it, no spare is ever claimed. */
  claims?: SpareClaims;
  /** Told when a student starts a lab (a spare taken or a new one), so the pool can prepare the next. */
  onLabStarted?: (lesson: string) => void;
  /** Lessons' setup done ahead (prepared images); without it every lab runs its setup. */
  prepared?: PreparedImages;
  /** Whether a lab that ran its setup asks for its lesson to be prepared in the background (serve). */
  /** true, or which lessons (a classroom server prepares only its open classes' lessons). */
  prepareInBackground?: boolean | ((lessonId: string) => boolean);
  /** The lab image when it is already there (never builds it): what lessons are prepared ahead from. */
  builtImage?: () => string | undefined;
}

/** How long another process may take to finish creating a lab before it counts as abandoned. */
const CREATION_GRACE_MS = 5 * 60_000;

/** Hosts whose container stopped or died (a container just created and not yet started is not one). */
/** What a check says when its attempt could not be written to the record (see ProgressRecorder). */
export const NOT_RECORDED =
  'This attempt was not recorded: maillab could not write to its store (its disk is full or read-only). The verdict above is right, but your instructor will not see it; tell them, and check again once it is fixed.';

function stoppedHosts(info: LabInfo): string[] {
  return info.hosts.filter((h) => !h.running && h.state !== 'created').map((h) => h.name);
}

function brokenMessage(hosts: string[]): string {
  return `Host ${hosts.join(' and ')} of this lab stopped (killed, out of memory, stopped by the watch for filling its disk or for a fork bomb, or removed by hand). Press Reset (or run \`npx maillab lab reset <lesson>\`) to recreate the lab.`;
}

/**
 * The fault a new break-fix lab gets: the one fewest running labs of the lesson have, ties at random,
 * so two students side by side never get the same one while another is free.
 */
export function chooseFault(faults: string[], inUse: (string | undefined)[], random = Math.random): string {
  const count = (f: string) => inUse.filter((u) => u === f).length;
  const fewest = Math.min(...faults.map(count));
  const candidates = faults.filter((f) => count(f) === fewest);
  return candidates[Math.floor(random() * candidates.length)] as string;
}

/**
 * How an exam ended, from who asked and how far past the limit (ms): within a few seconds of it is
 * the limit itself (a watching process, or a Check that beat it by a tick); later means nobody was
 * watching at the limit, and the report must say the hosts were graded as they are now.
 */
export function howItEnded(asked: HandIn['by'], pastLimitMs: number): HandIn['by'] {
  if (pastLimitMs <= 0) return asked === 'student' ? 'student' : 'time-limit';
  return pastLimitMs <= LIMIT_SLACK_MS ? 'time-limit' : 'late';
}

/** How late after the limit a hand-in still counts as made at the limit (the watch runs every 5 s). */
const LIMIT_SLACK_MS = 15_000;

export const newLabId = () => randomBytes(10).toString('hex');
export const newToken = () => randomBytes(24).toString('base64url');

export class LabService {
  private readonly labs = new Map<string, LabState>();
  /** Lab hosts whose shell ended with the previous server process; their next terminal says so. */
  private readonly restartedShells = new Set<string>();
  /** Per lab, the hosts found at their process limit on the last look. */
  private readonly atLimit = new Map<string, Set<string>>();
  /** Labs whose creation this process is running. */
  private readonly creating = new Set<string>();
  /** Labs being made that run their setup whether or not prepared images exist (`start`'s runSetup). */
  private readonly runsSetup = new Set<string>();
  private readonly opts: LabServiceOptions;

  constructor(opts: LabServiceOptions) {
    this.opts = { ...opts };
  }

  /** Wired after construction because terminals are created by the server, later than labs. */
  setOnLabGone(fn: (labId: string, reason?: string) => void): void {
    this.opts.onLabGone = fn;
  }

  /** The owner label of this maillab's spare labs (one per state directory). */
  get spareOwner(): string {
    return this.opts.claims?.spareOwner ?? 'spare-none';
  }

  setOnLabStarted(fn: (lesson: string) => void): void {
    this.opts.onLabStarted = fn;
  }

  /** The server prepares lessons' images in the background; a short-lived CLI process does not. */
  setPrepareInBackground(on: boolean | ((lessonId: string) => boolean)): void {
    this.opts.prepareInBackground = on;
  }

  private preparesInBackground(lessonId: string): boolean {
    const on = this.opts.prepareInBackground;
    return typeof on === 'function' ? on(lessonId) : on === true;
  }

  /**
   * A lesson whose first lab is likely asked for soon (its page is open, or it comes next in the course
   * after a lab that is ready) gets its prepared images made in the background meanwhile, so that lab
   * boots with its setup done instead of running it. Only in the server, once the lab image is there;
   * a lesson already prepared, refused or not preparable costs a look at most.
   */
  prepareAhead(lessonId: string): void {
    const image = this.preparesInBackground(lessonId) ? this.opts.builtImage?.() : undefined;
    if (image) this.opts.prepared?.want(this.opts.lessons.get(lessonId), image);
  }

  /** A student following the course opens the lesson after this one next: it is prepared ahead. */
  private prepareNextAfter(lessonId: string): void {
    const all = this.opts.lessons.list();
    const index = all.findIndex((l) => l.id === lessonId);
    const next = index < 0 ? undefined : all[index + 1];
    if (next) this.prepareAhead(next.id);
  }

  /** The engine's labs, a claimed spare under the owner who took it. */
  async listLabs(): Promise<LabInfo[]> {
    return Promise.all((await this.opts.runtime.listLabs()).map((info) => this.resolveOwner(info)));
  }

  private async getLab(labId: string): Promise<LabInfo | undefined> {
    const info = await this.opts.runtime.getLab(labId);
    return info && this.resolveOwner(info);
  }

  private async resolveOwner(info: LabInfo): Promise<LabInfo> {
    if (!this.opts.claims || info.owner !== this.spareOwner) return info;
    const owner = await this.opts.claims.ownerOf(info.labId);
    return owner ? { ...info, owner } : info;
  }

  /**
   * Takes over labs that an earlier process (or the CLI) left: finished ones as ready, ones still
   * being created as starting; removes labs that are broken or whose creation was abandoned.
   */
  async adopt(): Promise<{ adopted: number; removed: number }> {
    let adopted = 0;
    let removed = 0;
    const lessons = new Set(this.opts.lessons.list().map((l) => l.id));
    for (const info of await this.listLabs()) {
      // Not a lesson's lab (an image self-test in progress, or a lesson this server does not serve).
      if (this.labs.has(info.labId) || !lessons.has(info.lesson)) continue;
      // Another maillab's labs on a shared engine (tests, a second server) are not ours to take or remove.
      if (this.opts.adopts && !this.opts.adopts(info.owner)) continue;
      const complete = await this.isComplete(info);
      const young = Date.now() - Date.parse(info.createdAt) < CREATION_GRACE_MS;
      if (!info.token || (!complete && !young)) {
        await this.opts.runtime.destroyLab(info.labId);
        removed++;
        continue;
      }
      const state = this.track(info, complete);
      await this.loadVerdicts(state);
      if (state.status === 'ready') {
        // Shells of the process before this one lived in docker exec clients that died with it.
        const ended = await this.opts.runtime
          .endShells(info.labId)
          .catch(() => ({}) as Record<string, number>);
        for (const [host, count] of Object.entries(ended))
          if (count > 0) this.restartedShells.add(`${info.labId}/${host}`);
      }
      adopted++;
    }
    return { adopted, removed };
  }

  /** A lab whose creation (setup included) finished: its grader carries the marker. */
  private async isComplete(info: LabInfo): Promise<boolean> {
    if (!info.hosts.every((h) => h.running)) return false;
    return this.opts.store.isReady(info.labId);
  }

  /**
   * Tracks a lab created by another process. One still being created (by the CLI, say) stays
   * "starting" until its marker appears, so a page never opens terminals on a half-made lab.
   */
  private track(info: LabInfo, complete: boolean): LabState {
    const down = stoppedHosts(info);
    const state = {
      labId: info.labId,
      lesson: info.lesson,
      owner: info.owner,
      token: info.token,
      status: complete ? 'ready' : 'starting',
      progress: [complete ? 'Lab re-adopted' : 'Another maillab process is creating this lab…'],
      results: {},
      revealed: {},
    } as LabState;
    if (down.length) {
      // A host that stopped (killed, out of memory) is not a lab still being created: say so now
      // instead of waiting out the creation grace period.
      state.status = 'failed';
      state.error = brokenMessage(down);
      state.ready = Promise.reject(new MaillabError('lab_failed', state.error));
    } else state.ready = complete ? Promise.resolve(state) : this.awaitCompletion(state, info);
    state.ready.catch(() => {});
    this.labs.set(info.labId, state);
    // A lab the CLI made since, or before the record began: recorded from now on.
    this.opts.recorder?.labStarted(state);
    if (complete && !down.length) this.opts.recorder?.labReady(state);
    return state;
  }

  private async awaitCompletion(state: LabState, info: LabInfo): Promise<LabState> {
    const deadline = Date.parse(info.createdAt) + CREATION_GRACE_MS;
    while (Date.now() < deadline) {
      const current = await this.getLab(info.labId);
      if (!current) break;
      if (await this.isComplete(current)) {
        await this.loadVerdicts(state);
        this.opts.recorder?.labReady(state);
        state.status = 'ready';
        state.progress.push('Lab ready');
        return state;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    state.status = 'failed';
    state.error = 'The process that was creating this lab did not finish it. Reset the lab to start afresh.';
    throw new MaillabError('lab_failed', state.error);
  }

  list(owner?: string): LabState[] {
    return [...this.labs.values()].filter((l) => owner === undefined || l.owner === owner);
  }

  get(labId: string): LabState {
    const lab = this.labs.get(labId);
    if (!lab) throw labNotFound(labId);
    return lab;
  }

  /**
   * The owner's lab for a lesson, also one created by another process (the CLI) since start-up. A
   * ready lab whose hosts another process removed (`maillab lab finish`) is forgotten, not shown.
   */
  async find(owner: string, lessonName: string): Promise<LabState | undefined> {
    const lesson = this.opts.lessons.get(lessonName);
    const known = this.list(owner).find((l) => l.lesson === lesson.id);
    if (known && known.status === 'ready' && !(await this.stillThere(known))) this.forget(known.labId);
    else if (known) {
      // A grade run from the CLI (or another server) since: show its verdicts too.
      await this.loadVerdicts(known).catch(() => {});
      return known;
    }
    const info = (await this.listLabs()).find((l) => l.owner === owner && l.lesson === lesson.id);
    if (!info?.token) return undefined;
    const state = this.track(info, await this.isComplete(info));
    await this.loadVerdicts(state);
    return state;
  }

  /**
   * Enforces the disk a lab host may use, where the engine cannot (overlay2 on ext4 has no per-container
   * quota): a host past the limit is stopped and its lab marked failed with the reason, so one student
   * filling the disk cannot fill the machine's. Returns the labs it stopped.
   */
  async enforceDiskLimit(limitBytes: number): Promise<string[]> {
    const stopped: string[] = [];
    for (const lab of this.list().filter((l) => l.status === 'ready')) {
      const usage = await this.opts.runtime.diskUsage(lab.labId).catch(() => ({}) as Record<string, number>);
      const over = Object.entries(usage).filter(([, bytes]) => bytes > limitBytes);
      if (!over.length) continue;
      for (const [host] of over) await this.opts.runtime.stopHost(lab.labId, host);
      const mib = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MiB`;
      lab.status = 'failed';
      lab.error = `Host ${over.map(([h, b]) => `${h} wrote ${mib(b)}`).join(' and ')} to its disk, over the ${mib(limitBytes)} a lab host may use, and was stopped. Reset the lab to start again with clean hosts.`;
      lab.progress.push(`Failed: ${lab.error}`);
      (this.opts.log ?? silentLogger).warn(
        { lab: lab.labId, over: Object.fromEntries(over) },
        'lab host over its disk limit; stopped',
      );
      this.opts.onLabGone?.(lab.labId);
      stopped.push(lab.labId);
    }
    return stopped;
  }

  /**
   * Ends a fork bomb: a host at its process limit on two looks in a row (the caller looks every
   * 20 s) is stopped and its lab says why. Until then the pids and CPU limits keep it to its own
   * core's share, so other labs and the server stay responsive.
   */
  async enforceProcessLimit(): Promise<string[]> {
    const stopped: string[] = [];
    const ready = this.list().filter((l) => l.status === 'ready');
    // Counted side by side, a few labs at a time: each count waits up to a second for the engine's
    // next stats collection, so one lab after the other took over a minute for forty labs.
    const looked = new Map<string, Record<string, { current: number; limit: number }>>();
    for (let i = 0; i < ready.length; i += PROCESS_LOOKS_AT_ONCE)
      await Promise.all(
        ready.slice(i, i + PROCESS_LOOKS_AT_ONCE).map(async (lab) => {
          looked.set(lab.labId, await this.opts.runtime.processCounts(lab.labId).catch(() => ({})));
        }),
      );
    for (const lab of ready) {
      if (lab.status !== 'ready') continue;
      const counts = looked.get(lab.labId) ?? {};
      const full = Object.entries(counts).filter(([, c]) => c.limit > 0 && c.current >= c.limit * 0.95);
      const seen = this.atLimit.get(lab.labId) ?? new Set<string>();
      const repeat = full.filter(([host]) => seen.has(host));
      this.atLimit.set(lab.labId, new Set(full.map(([host]) => host)));
      if (!repeat.length) continue;
      for (const [host] of repeat) await this.opts.runtime.stopHost(lab.labId, host);
      lab.status = 'failed';
      lab.error = `Host ${repeat.map(([h, c]) => `${h} kept ${c.current} processes running, its limit`).join(' and ')}: a fork bomb or a runaway loop. It was stopped; reset the lab to start again with clean hosts.`;
      lab.progress.push(`Failed: ${lab.error}`);
      (this.opts.log ?? silentLogger).warn(
        { lab: lab.labId, hosts: repeat.map(([h]) => h) },
        'lab host at its process limit; stopped',
      );
      this.opts.onLabGone?.(lab.labId);
      this.atLimit.delete(lab.labId);
      stopped.push(lab.labId);
    }
    return stopped;
  }

  /**
   * Whether a ready lab's containers still exist; one whose host stopped (killed, out of memory,
   * removed) becomes failed, naming the host and what to do, so the page and CLI never show it ready.
   */
  private async stillThere(lab: LabState): Promise<boolean> {
    const info = await this.getLab(lab.labId);
    if (!info) return false;
    const down = stoppedHosts(info);
    if (down.length && lab.status === 'ready') {
      (this.opts.log ?? silentLogger).warn({ lab: lab.labId, hosts: down }, 'lab host stopped');
      lab.status = 'failed';
      lab.error = brokenMessage(down);
      lab.progress.push(`Failed: ${lab.error}`);
    }
    return true;
  }

  /** Removes every lab an owner has for a lesson (there should be one): what `lab finish` reports. */
  async finishAll(owner: string, lessonName: string): Promise<string[]> {
    const lesson = this.opts.lessons.get(lessonName);
    const ids = new Set(
      this.list(owner)
        .filter((l) => l.lesson === lesson.id)
        .map((l) => l.labId),
    );
    for (const info of await this.listLabs())
      if (info.owner === owner && info.lesson === lesson.id) ids.add(info.labId);
    for (const id of ids) await this.finish(id);
    return [...ids];
  }

  /** Forgets ready labs whose hosts are gone (removed by another process or by hand). */
  private async forgetVanished(): Promise<void> {
    const live = new Set((await this.listLabs()).map((l) => l.labId));
    for (const lab of this.list()) if (lab.status === 'ready' && !live.has(lab.labId)) this.forget(lab.labId);
  }

  /** Drops a lab whose hosts are gone, and closes its terminals. */
  private forget(labId: string): void {
    this.labs.delete(labId);
    this.opts.onLabGone?.(labId);
  }

  /**
   * Starts the owner's lab for a lesson, or returns the one already there. Does not wait. `fault`
   * forces a break-fix lesson's fault (instructors, the proof); otherwise the engine picks one.
   * `runSetup` makes a new lab run the lesson's setup even where prepared images or a spare lab could
   * stand in: the proofs prove that path too.
   */
  async start(
    owner: string,
    lessonName: string,
    options: { fault?: string; runSetup?: boolean } = {},
  ): Promise<LabState> {
    const lesson = this.opts.lessons.get(lessonName);
    if (options.fault !== undefined && !lesson.faults.some((f) => f.id === options.fault))
      throw new MaillabError(
        'bad_request',
        lesson.faults.length
          ? `Lesson ${lesson.number} has no fault "${options.fault}"; its faults are ${lesson.faults.map((f) => f.id).join(', ')}.`
          : `Lesson ${lesson.number} is not a break-fix lesson: it has no faults to choose from.`,
      );
    const existing = await this.find(owner, lesson.id);
    if (existing && existing.status !== 'failed') return existing;
    if (existing) {
      // Never two labs for one owner and lesson: what is left of the failed one goes first.
      this.opts.onLabGone?.(existing.labId);
      await this.opts.runtime.destroyLab(existing.labId);
      this.labs.delete(existing.labId);
    }
    if (options.fault === undefined && !lesson.faults.length && !options.runSetup) {
      const spare = await this.claimSpare(owner, lesson.id);
      if (spare) {
        this.opts.onLabStarted?.(lesson.id);
        return spare;
      }
    }
    const max = this.opts.maxLabs ?? 20;
    const running = () => this.list().filter((l) => l.status !== 'failed').length;
    if (running() >= max) await this.forgetVanished();
    // Spares give way to a student: the oldest is removed to make room.
    while (running() >= max) {
      const spare = this.list(this.spareOwner)[0];
      if (!spare) break;
      await this.finish(spare.labId);
    }
    if (running() >= max) {
      throw new MaillabError(
        'capacity_exceeded',
        `This maillab already runs ${max} labs, its limit. Finish a lab you no longer need, or raise MAILLAB_MAX_LABS.`,
      );
    }
    const fault = lesson.faults.length
      ? (options.fault ??
        chooseFault(
          lesson.faults.map((f) => f.id),
          await this.faultsInUse(lesson.id),
        ))
      : undefined;
    const labId = newLabId();
    if (options.runSetup) this.runsSetup.add(labId);
    const state = this.launch(owner, lesson.id, labId, newToken(), fault);
    this.opts.onLabStarted?.(lesson.id);
    return state;
  }

  /**
   * Makes a spare lab of a lesson ahead of need (the pool does this in the background); it belongs to
   * nobody until a student's start claims it. Break-fix lessons have none: their fault is drawn per lab.
   */
  startSpare(lessonName: string): LabState {
    const lesson = this.opts.lessons.get(lessonName);
    if (lesson.faults.length)
      throw new MaillabError(
        'bad_request',
        `Lesson ${lesson.number} draws a fault per lab: it has no spare labs.`,
      );
    return this.launch(this.spareOwner, lesson.id, newLabId(), newToken());
  }

  /** Spare labs nobody has claimed yet, this process's and those another process made. */
  async spares(): Promise<LabState[]> {
    // Another process (the CLI) may have claimed one this process still holds as a spare.
    for (const lab of this.list(this.spareOwner)) {
      const owner = await this.opts.claims?.ownerOf(lab.labId);
      if (owner) lab.owner = owner;
    }
    const known = new Set(this.list(this.spareOwner).map((l) => l.labId));
    for (const info of await this.listLabs())
      if (
        info.owner === this.spareOwner &&
        !known.has(info.labId) &&
        info.token &&
        this.isLesson(info.lesson)
      )
        this.track(info, await this.isComplete(info));
    return this.list(this.spareOwner);
  }

  private isLesson(id: string): boolean {
    return this.opts.lessons.list().some((l) => l.id === id);
  }

  /**
   * Gives a ready spare of the lesson to `owner`: the claim is written first (one winner across the
   * server and the CLI), then the lab is the owner's; an exam's clock starts now, not when it was made.
   */
  private async claimSpare(owner: string, lessonId: string): Promise<LabState | undefined> {
    const claims = this.opts.claims;
    if (!claims) return undefined;
    const candidates = (await this.spares()).filter((l) => l.lesson === lessonId && l.status === 'ready');
    for (const spare of candidates) {
      if (!(await claims.claim(spare.labId, owner))) continue;
      spare.owner = owner;
      spare.progress = ['Lab ready (prepared ahead)'];
      const lesson = this.opts.lessons.get(lessonId);
      if (lesson.exam) {
        spare.exam = newExam(lesson.exam);
        await this.opts.store.saveExam(spare.labId, spare.exam);
      }
      (this.opts.log ?? silentLogger).info(
        { lab: spare.labId, lesson: lessonId, owner },
        'spare lab claimed',
      );
      // For the record, the lab is the student's from now: its time to pass counts from the claim.
      this.opts.recorder?.labClaimed(spare);
      this.prepareNextAfter(spare.lesson);
      return spare;
    }
    return undefined;
  }

  /** The faults of a break-fix lesson's running labs, this process's and those another one made. */
  private async faultsInUse(lesson: string): Promise<(string | undefined)[]> {
    const mine = this.list().filter((l) => l.lesson === lesson && l.status !== 'failed');
    const known = new Set(mine.map((l) => l.labId));
    const others = (await this.listLabs()).filter((l) => l.lesson === lesson && !known.has(l.labId));
    const theirs = await Promise.all(
      others.map((l) => this.opts.store.fault(l.labId).catch(() => undefined)),
    );
    return [...mine.map((l) => l.fault), ...theirs];
  }

  private launch(
    owner: string,
    lesson: string,
    labId: string,
    token: string,
    fault?: string,
    exam?: ExamRecord,
  ): LabState {
    const state = {
      labId,
      lesson,
      owner,
      token,
      status: 'starting',
      progress: [],
      results: {},
      revealed: {},
      ...(fault ? { fault } : {}),
      ...(exam ? { exam } : {}),
    } as unknown as LabState;
    const say = (message: string) => {
      state.progress.push(message);
      if (state.progress.length > 50) state.progress.shift();
    };
    this.labs.set(labId, state);
    this.creating.add(labId);
    const log = this.opts.log ?? silentLogger;
    log.info({ lab: labId, lesson, owner }, 'lab starting');
    this.opts.recorder?.labStarted(state);
    state.ready = this.create(state, say)
      .finally(() => {
        this.creating.delete(labId);
        this.runsSetup.delete(labId);
      })
      .then(
        () => {
          this.opts.recorder?.labReady(state);
          state.status = 'ready';
          say('Lab ready');
          log.info({ lab: labId, lesson }, 'lab ready');
          return state;
        },
        (err: unknown) => {
          state.status = 'failed';
          state.error = errorMessage(err);
          log.warn({ lab: labId, lesson, err: state.error }, 'lab failed');
          say(`Failed: ${state.error}`);
          throw err;
        },
      );
    // Callers that don't await still must not crash the process on failure.
    state.ready.catch(() => {});
    return state;
  }

  private async create(state: LabState, say: (m: string) => void): Promise<void> {
    const lesson = this.opts.lessons.get(state.lesson);
    const image = await this.opts.image(say);
    const prepared =
      state.fault || this.runsSetup.has(state.labId)
        ? undefined
        : await this.opts.prepared?.imagesFor(lesson, image).catch((err: unknown) => {
            (this.opts.log ?? silentLogger).warn(
              { lesson: lesson.id, err: errorMessage(err) },
              'prepared images not looked up',
            );
            return undefined;
          });
    const spec = {
      labId: state.labId,
      lesson: lesson.id,
      owner: state.owner,
      token: state.token,
      hosts: lesson.hosts,
      image,
    };
    let fromImages = prepared !== undefined;
    try {
      await this.opts.runtime.createLab(prepared ? { ...spec, hostImages: prepared } : spec, say);
    } catch (err) {
      // Removed between the look and the create (`images prune`, or newer ones replacing them): the
      // lab is made the long way instead of failing.
      if (!prepared || !(err instanceof MaillabError && err.code === 'image_missing')) throw err;
      say('The prepared images went away meanwhile; running the setup instead');
      fromImages = false;
      await this.opts.runtime.createLab(spec, say);
    }
    // Recorded before setup breaks anything, so the judge always knows which fault it looks at.
    if (state.fault) await this.opts.store.saveFault(state.labId, state.fault);
    if (fromImages) {
      say(`Lesson ${lesson.number}'s setup was done ahead: its hosts booted from its prepared image`);
    } else if (lesson.setup.length || lesson.prerequisites.length) {
      say(`Preparing the lab for lesson ${lesson.number}`);
      const began = Date.now();
      await this.opts.checker.setup(state.labId, lesson, say, state.fault);
      state.setupMs = Date.now() - began;
      if (this.preparesInBackground(lesson.id)) this.opts.prepared?.want(lesson, image);
    }
    if (lesson.exam && state.owner !== this.spareOwner) {
      // The clock starts when the lab is ready (a spare's when it is claimed); a reset keeps it.
      state.exam = state.exam ?? newExam(lesson.exam);
      await this.opts.store.saveExam(state.labId, state.exam);
    }
    // Before anyone has a shell: what the image, packages and setup made is not the student's work.
    if (lesson.keysBeforeStudent.length)
      await this.opts.store.recordKeysBeforeStudent(state.labId, lesson.keysBeforeStudent);
    await this.opts.store.markReady(state.labId);
    if (state.owner !== this.spareOwner) this.prepareNextAfter(lesson.id);
  }

  /** Recreates the lab from scratch under the same id and token, so open pages reconnect. */
  async reset(labId: string, by: LabReset['by'] = 'student'): Promise<LabState> {
    const old = this.get(labId);
    await old.ready.catch(() => {});
    if (old.exam?.handedIn || old.closed)
      throw new MaillabError('forbidden', 'This exam was handed in: its lab can no longer be reset.');
    const reset: LabReset = { by, at: new Date().toISOString() };
    // Said before the shells close: a page that asks at once (its shell just closed) must already
    // see a lab being made anew, not the old one "ready" while its hosts are being removed.
    Object.assign(old, { reset, status: 'starting', progress: ['Removing the old hosts'], results: {} });
    this.opts.onLabGone?.(labId, by === 'instructor' ? instructorResetNote(reset.at) : undefined);
    await this.opts.runtime.destroyLab(labId);
    this.opts.recorder?.labEnded(labId, 'reset');
    // The same fault again: a student resets to retry the problem they were given, not a new one.
    const fresh = this.launch(old.owner, old.lesson, labId, old.token, old.fault, old.exam);
    fresh.reset = reset;
    return fresh;
  }

  async finish(labId: string, reason: 'finished' | 'expired' = 'finished'): Promise<void> {
    const lab = this.labs.get(labId);
    // Only a creation this process runs is waited for (it would go on making containers); one that
    // another process started is just removed, never waited out.
    if (lab && this.creating.has(labId)) await lab.ready.catch(() => {});
    this.opts.onLabGone?.(labId);
    await this.opts.runtime.destroyLab(labId);
    this.labs.delete(labId);
    await this.opts.claims?.forget(labId).catch(() => {});
    this.opts.recorder?.labEnded(labId, reason);
  }

  /** Waits until the lab is ready; throws its failure as a lab_failed error. */
  async readyLab(labId: string): Promise<LabState> {
    const lab = this.get(labId);
    await lab.ready.catch(() => {});
    if (lab.status === 'ready' && !(await this.stillThere(lab))) throw labNotFound(labId);
    if (lab.status === 'failed')
      throw new MaillabError('lab_failed', lab.error ?? 'The lab failed to start.');
    return lab;
  }

  /**
   * Checks one exercise and records the verdict with the lab: in memory for the page, and on the lab's
   * grader, so a grade run from the CLI shows on the page and verdicts survive a server restart.
   */
  async check(labId: string, exerciseId: string): Promise<ExerciseResult> {
    const lab = await this.readyLab(labId);
    const lesson = this.opts.lessons.get(lab.lesson);
    const exercise = this.opts.lessons.exercise(lesson, exerciseId);
    if (lesson.exam && lab.exam) {
      // After the exam, Check shows the handed-in report; past the limit, it hands in first.
      if (isOver(lab.exam) || lab.closed) {
        const handIn = await this.handIn(labId, 'late');
        return handIn.report.exercises.find((e) => e.id === exercise.id) as ExerciseResult;
      }
      return duringExam(await this.checkLive(lab, exercise.id), lesson.exam);
    }
    return this.checkLive(lab, exercise.id);
  }

  /** Runs one exercise's check on the live hosts and records the full verdict on the grader. */
  private async checkLive(lab: LabState, exerciseId: string): Promise<ExerciseResult> {
    const lesson = this.opts.lessons.get(lab.lesson);
    const exercise = this.opts.lessons.exercise(lesson, exerciseId);
    const began = Date.now();
    const result = await this.opts.checker.checkExercise(lab.labId, lesson, exercise);
    // Not onto a lab that was reset or finished while the check ran.
    if (this.labs.get(lab.labId) === lab && lab.status === 'ready') {
      lab.results[exercise.id] = result;
      await this.opts.store.saveVerdict(lab.labId, result);
      // The same object the page reads from lab.results: it says so there too.
      if (this.opts.recorder && !this.opts.recorder.attempt(lab, result, Date.now() - began))
        result.notRecorded = NOT_RECORDED;
    }
    return result;
  }

  /** Checks every exercise of the lab's lesson, recording each verdict. */
  async grade(labId: string): Promise<GradeReport> {
    const lab = await this.readyLab(labId);
    const lesson = this.opts.lessons.get(lab.lesson);
    if (lesson.exam && lab.exam) {
      if (isOver(lab.exam) || lab.closed) {
        const handIn = await this.handIn(labId, 'late');
        return { ...handIn.report, exam: examState(lesson.exam, lab.exam) };
      }
      const full = await this.gradeLive(lab);
      const exercises = full.exercises.map((e) =>
        duringExam(e, lesson.exam as NonNullable<typeof lesson.exam>),
      );
      return { ...full, exercises, exam: examState(lesson.exam, lab.exam) };
    }
    return this.gradeLive(lab);
  }

  private async gradeLive(lab: LabState): Promise<GradeReport> {
    const lesson = this.opts.lessons.get(lab.lesson);
    const exercises: ExerciseResult[] = [];
    for (const exercise of lesson.exercises) exercises.push(await this.checkLive(lab, exercise.id));
    return { lesson: lesson.id, exercises, score: weightedScore(exercises.flatMap((e) => e.criteria)) };
  }

  /**
   * Ends an exam: no new shells, the student's shells ended, every exercise graded with hints, and the
   * report kept on the grader as the result. Exactly one hand-in happens across all maillab processes;
   * the others wait for it. `by`: the student (Hand in), a process watching the limit ('time-limit'),
   * or a grade after the limit that nobody handed in at ('late', which the report says).
   */
  async handIn(labId: string, by: HandIn['by']): Promise<HandIn> {
    const lab = await this.readyLab(labId);
    const lesson = this.opts.lessons.get(lab.lesson);
    if (!lesson.exam || !lab.exam)
      throw new MaillabError(
        'bad_request',
        `Lesson ${lesson.number} is not an exam: there is nothing to hand in.`,
      );
    await this.loadVerdicts(lab);
    const exam = lab.exam;
    if (exam.handedIn) return exam.handedIn;
    lab.closed = true;
    if (!(await this.opts.store.claimHandIn(labId))) return this.awaitHandIn(lab);
    this.opts.onLabGone?.(labId);
    await this.opts.runtime.endShells(labId).catch(() => ({}));
    const at = new Date();
    const lateBy = howItEnded(by, at.getTime() - Date.parse(exam.deadline));
    const report = await this.gradeLive(lab);
    const handIn: HandIn = {
      at: at.toISOString(),
      by: lateBy,
      ...(lateBy === 'late' ? { lateMinutes: minutesLate(exam, at) } : {}),
      report,
    };
    await this.opts.store.saveHandIn(labId, handIn);
    exam.handedIn = handIn;
    (this.opts.log ?? silentLogger).info({ lab: labId, by: lateBy, score: report.score }, 'exam handed in');
    return handIn;
  }

  /** Another process claimed the hand-in: its report appears on the grader within a grading's time. */
  private async awaitHandIn(lab: LabState): Promise<HandIn> {
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      const record = await this.opts.store.exam(lab.labId);
      if (record?.handedIn) {
        lab.exam = record;
        return record.handedIn;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    throw new MaillabError(
      'lab_failed',
      'Another maillab process began handing in this exam and did not finish.',
    );
  }

  /** Hands in every exam whose time is up (the server calls this every few seconds). */
  async enforceExamLimits(): Promise<string[]> {
    const ended: string[] = [];
    for (const lab of this.list()) {
      if (lab.status !== 'ready' || !lab.exam || lab.exam.handedIn || lab.closed) continue;
      if (Date.now() < Date.parse(lab.exam.deadline)) continue;
      await this.handIn(lab.labId, 'time-limit');
      ended.push(lab.labId);
    }
    return ended;
  }

  /** An exam lab's state for the page and the CLI; undefined for other labs. */
  examOf(lab: LabState): GradeReport['exam'] {
    const lesson = this.opts.lessons.get(lab.lesson);
    return lesson.exam && lab.exam ? examState(lesson.exam, lab.exam) : undefined;
  }

  /** What the page may show of a lab's results: during an exam, only which criteria pass. */
  visibleResults(lab: LabState): Record<string, ExerciseResult> {
    const lesson = this.opts.lessons.get(lab.lesson);
    if (!lesson.exam || !lab.exam || lab.exam.handedIn) return lab.results;
    const settings = lesson.exam;
    return Object.fromEntries(Object.entries(lab.results).map(([id, r]) => [id, duringExam(r, settings)]));
  }

  /**
   * The worked solution of an exercise, for a student who has checked it at least once; the reveal is
   * recorded with the lab's verdicts (an instructor sees who looked).
   */
  async reveal(labId: string, exerciseId: string): Promise<{ html: string; revealedAt: string }> {
    const lab = await this.readyLab(labId);
    const lesson = this.opts.lessons.get(lab.lesson);
    const exercise = this.opts.lessons.exercise(lesson, exerciseId);
    if (lesson.exam && lab.exam && !lab.exam.handedIn)
      throw new MaillabError('forbidden', 'The worked solutions open after you hand in the exam.');
    const html = lesson.walkthroughs[exercise.id];
    if (html === undefined)
      throw new MaillabError('bad_request', `Exercise ${exercise.id} has no worked solution to reveal.`);
    if (!lab.results[exercise.id])
      throw new MaillabError(
        'forbidden',
        'Press Check at least once before revealing the worked solution: try it yourself first.',
      );
    const revealedAt = lab.revealed[exercise.id] ?? new Date().toISOString();
    if (!lab.revealed[exercise.id]) {
      await this.opts.store.saveReveal(lab.labId, exercise.id, revealedAt);
      lab.revealed[exercise.id] = revealedAt;
      this.opts.recorder?.reveal(lab, exercise.id, revealedAt);
    }
    return { html, revealedAt };
  }

  /** The verdicts recorded on a lab's grader (by this process, another, or the CLI). */
  private async loadVerdicts(state: LabState): Promise<void> {
    if (state.status !== 'ready') return;
    const lesson = this.opts.lessons.get(state.lesson);
    const ids = lesson.exercises.map((e) => e.id);
    const [saved, revealed, fault, exam] = await Promise.all([
      this.opts.store.verdicts(state.labId, ids),
      this.opts.store.reveals(state.labId, ids),
      lesson.faults.length && !state.fault ? this.opts.store.fault(state.labId) : undefined,
      lesson.exam && !state.exam?.handedIn ? this.opts.store.exam(state.labId) : undefined,
    ]);
    if (fault) state.fault = fault;
    if (exam) state.exam = exam;
    if (exam?.handedIn) state.closed = true;
    state.results = { ...state.results, ...saved };
    state.revealed = { ...state.revealed, ...revealed };
  }

  /** Once, for a host whose shell the restart ended: what its new terminal should tell the student. */
  takeShellRestartNotice(labId: string, host: string): string | undefined {
    if (!this.restartedShells.delete(`${labId}/${host}`)) return undefined;
    return `\r\n\x1b[33m[maillab] The maillab server restarted, so this is a new shell on ${host}. Your files, settings and running services are as you left them; only the shell and its history are new.\x1b[0m\r\n`;
  }

  isStudentHost(labId: string, host: string): boolean {
    const lab = this.labs.get(labId);
    if (!lab || host === GRADER_HOST) return false;
    const lesson = this.opts.lessons.get(lab.lesson);
    return lesson.hosts.includes(host);
  }
}
