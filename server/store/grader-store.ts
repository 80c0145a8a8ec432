// What a lab keeps about itself, on its hidden grader host: the marker that its creation finished,
// quiz answers, and the latest verdict per exercise. The grader is the one host students cannot
// reach, and it lives exactly as long as the lab, so a restarted server (or the CLI) reads the same
// state, and a reset or finish clears it with the hosts.

import type { ExamRecord } from '../labs/exam.ts';
import { GRADER_HOST, type LabRuntime } from '../runtime/runtime.ts';
import type { ExerciseResult, HandIn } from '../shared/check-result.ts';

const ROOT = '/var/lib/maillab/state';
const READY = `${ROOT}/lab-ready`;

export type Answers = Record<string, string>;

const FAULT = `${ROOT}/fault.json`;
const EXAM = `${ROOT}/exam.json`;
const HANDIN = `${ROOT}/handin.json`;
const HANDIN_CLAIM = `${ROOT}/handin.claim`;

/** The public-key fingerprints of what a host held before the student had a shell (judge.sh reads them). */
const keysBeforeFile = (host: string) => `${ROOT}/keys-before/${host}`;
const KEY_STAGING = '/var/lib/maillab/keys-staging';
/** Where keys and certificates live on a lab host (RHEL's, Debian's, the two daemons'). */
const KEY_DIRS = ['/etc/pki', '/etc/ssl/private', '/etc/dovecot', '/etc/postfix'];
/**
 * On the grader, over a staged copy: one line per PEM file holding a certificate or a private key,
 * "<SHA-256 of its public key, DER> <path on the host>"; the copy is removed after.
 */
const FINGERPRINT_KEYS = String.raw`
set -u
staging=$1 out=$2
mkdir -p "$(dirname "$out")"
len=$(printf '%s' "$staging" | wc -c)
find "$staging" -type f -size -64k 2>/dev/null | sort | while IFS= read -r f; do
  grep -qE -- '-----BEGIN (CERTIFICATE|.*PRIVATE KEY)-----' "$f" 2>/dev/null || continue
  for pub in "$(/usr/bin/openssl x509 -in "$f" -noout -pubkey 2>/dev/null)" "$(/usr/bin/openssl pkey -in "$f" -pubout -passin pass: 2>/dev/null)"; do
    [ -n "$pub" ] || continue
    sha=$(printf '%s\n' "$pub" | /usr/bin/openssl pkey -pubin -outform DER 2>/dev/null | /usr/bin/sha256sum | cut -d' ' -f1)
    echo "$sha $(printf '%s' "$f" | cut -c$((len + 1))-)"
  done
done | sort -u > "$out.tmp" && mv -f "$out.tmp" "$out"
rm -rf "$staging"
`;

const answersFile = (exerciseId: string) => `${ROOT}/answers/${exerciseId}.json`;
const verdictFile = (exerciseId: string) => `${ROOT}/verdicts/${exerciseId}.json`;
const revealFile = (exerciseId: string) => `${ROOT}/reveals/${exerciseId}.json`;

export class GraderStore {
  constructor(private readonly runtime: LabRuntime) {}

  async markReady(labId: string): Promise<void> {
    await this.write(labId, READY, new Date().toISOString());
  }

  async isReady(labId: string): Promise<boolean> {
    const probe = await this.runtime
      .exec(labId, GRADER_HOST, ['/usr/bin/test', '-e', READY])
      .catch(() => undefined);
    return probe?.exitCode === 0;
  }

  async answers(labId: string, exerciseId: string): Promise<Answers> {
    const parsed = await this.readJson(labId, answersFile(exerciseId));
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return Object.fromEntries(
      Object.entries(parsed as Record<string, unknown>).filter(([, v]) => typeof v === 'string'),
    ) as Answers;
  }

  async saveAnswers(labId: string, exerciseId: string, answers: Answers): Promise<void> {
    await this.write(labId, answersFile(exerciseId), JSON.stringify(answers));
  }

  async saveVerdict(labId: string, result: ExerciseResult): Promise<void> {
    await this.write(labId, verdictFile(result.id), JSON.stringify(result));
  }

  /** The latest verdict per exercise, as saved; exercises never checked are absent. */
  async verdicts(labId: string, exerciseIds: string[]): Promise<Record<string, ExerciseResult>> {
    const out: Record<string, ExerciseResult> = {};
    for (const [id, parsed] of Object.entries(await this.readMany(labId, exerciseIds.map(verdictFile))))
      if (parsed && typeof (parsed as ExerciseResult).id === 'string') out[id] = parsed as ExerciseResult;
    return out;
  }

  /** Records that the student revealed an exercise's worked solution (kept with the verdicts). */
  async saveReveal(labId: string, exerciseId: string, at: string): Promise<void> {
    await this.write(labId, revealFile(exerciseId), JSON.stringify({ at }));
  }

  /** When each exercise's worked solution was revealed; exercises never revealed are absent. */
  async reveals(labId: string, exerciseIds: string[]): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [id, parsed] of Object.entries(await this.readMany(labId, exerciseIds.map(revealFile)))) {
      const at = (parsed as { at?: unknown } | undefined)?.at;
      if (typeof at === 'string') out[id] = at;
    }
    return out;
  }

  /**
   * Records, for each host, the public keys of every key and certificate it holds now: called when the
   * lab is ready and before any student shell, so that checks can refuse what the image, a package or
   * the setup made as the student's own (lesson 11's certificate). Copied by the engine, fingerprinted
   * on the grader: nothing runs on the student host.
   */
  async recordKeysBeforeStudent(labId: string, hosts: string[]): Promise<void> {
    for (const host of hosts) {
      const staging = `${KEY_STAGING}/${host}`;
      const prepare = await this.runtime.exec(labId, GRADER_HOST, [
        '/bin/bash',
        '-c',
        'rm -rf "$1" && mkdir -p "$1"',
        'maillab-store',
        staging,
      ]);
      if (prepare.exitCode !== 0)
        throw new Error(`Could not stage ${host}'s keys on the grader: ${prepare.stderr.trim()}`);
      await this.runtime.copyFiles(labId, host, GRADER_HOST, { paths: KEY_DIRS, into: staging });
      const result = await this.runtime.exec(labId, GRADER_HOST, [
        '/bin/bash',
        '-c',
        FINGERPRINT_KEYS,
        'maillab-store',
        staging,
        keysBeforeFile(host),
      ]);
      if (result.exitCode !== 0)
        throw new Error(`Could not record ${host}'s keys on the grader: ${result.stderr.trim()}`);
    }
  }

  /** Records which fault a break-fix lab's setup made (never on a student host). */
  async saveFault(labId: string, fault: string): Promise<void> {
    await this.write(labId, FAULT, JSON.stringify({ fault }));
  }

  /** The fault a break-fix lab was given, or undefined for a lesson without faults. */
  async fault(labId: string): Promise<string | undefined> {
    const parsed = (await this.readJson(labId, FAULT)) as { fault?: unknown } | undefined;
    return typeof parsed?.fault === 'string' ? parsed.fault : undefined;
  }

  /** An exam's clock, written once when the lab is ready (and carried over a reset). */
  async saveExam(labId: string, record: Pick<ExamRecord, 'startedAt' | 'deadline'>): Promise<void> {
    await this.write(labId, EXAM, JSON.stringify({ startedAt: record.startedAt, deadline: record.deadline }));
  }

  /** The exam's clock and, once it ended, its hand-in; undefined for a lab that is not an exam. */
  async exam(labId: string): Promise<ExamRecord | undefined> {
    const found = await this.readMany(labId, [EXAM, HANDIN]);
    const clock = found.exam as Partial<ExamRecord> | undefined;
    if (typeof clock?.startedAt !== 'string' || typeof clock.deadline !== 'string') return undefined;
    const handIn = found.handin as HandIn | undefined;
    return {
      startedAt: clock.startedAt,
      deadline: clock.deadline,
      ...(handIn && typeof handIn.at === 'string' && handIn.report ? { handedIn: handIn } : {}),
    };
  }

  /**
   * Claims the one hand-in of an exam: true for exactly one caller across every maillab process (the
   * server's watch at the limit, the CLI's, a student's Hand in), by an atomic mkdir on the grader.
   */
  async claimHandIn(labId: string): Promise<boolean> {
    const result = await this.runtime.exec(labId, GRADER_HOST, [
      '/bin/bash',
      '-c',
      'mkdir -p "$(dirname "$1")" && mkdir "$1" 2>/dev/null',
      'maillab-store-claim',
      HANDIN_CLAIM,
    ]);
    return result.exitCode === 0;
  }

  async saveHandIn(labId: string, handIn: HandIn): Promise<void> {
    await this.write(labId, HANDIN, JSON.stringify(handIn));
  }

  /** Reads several JSON files in one exec; keyed by file name without .json. Missing or torn ones are absent. */
  private async readMany(labId: string, files: string[]): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    const result = await this.runtime
      .exec(labId, GRADER_HOST, [
        '/bin/bash',
        '-c',
        'for f in "$@"; do [ -f "$f" ] && { printf "%s\\t" "$(basename "$f" .json)"; /usr/bin/cat "$f"; printf "\\0"; }; done; exit 0',
        'maillab-store',
        ...files,
      ])
      .catch(() => undefined);
    for (const chunk of (result?.stdout ?? '').split('\0')) {
      const tab = chunk.indexOf('\t');
      if (tab < 0) continue;
      try {
        out[chunk.slice(0, tab)] = JSON.parse(chunk.slice(tab + 1)) as unknown;
      } catch {
        // A torn file is a record never made.
      }
    }
    return out;
  }

  private async readJson(labId: string, file: string): Promise<unknown> {
    const result = await this.runtime.exec(labId, GRADER_HOST, ['/usr/bin/cat', file]);
    if (result.exitCode !== 0) return undefined;
    try {
      return JSON.parse(result.stdout) as unknown;
    } catch {
      return undefined;
    }
  }

  /** Written to a temporary file and renamed, so a reader never sees half of it. */
  private async write(labId: string, file: string, content: string): Promise<void> {
    const result = await this.runtime.exec(
      labId,
      GRADER_HOST,
      [
        '/bin/bash',
        '-c',
        'mkdir -p "$(dirname "$1")" && /usr/bin/cat > "$1.tmp" && mv -f "$1.tmp" "$1"',
        'maillab-store',
        file,
      ],
      { stdin: content },
    );
    if (result.exitCode !== 0)
      throw new Error(`Could not store ${file} on the lab's grader: ${result.stderr.trim()}`);
  }
}
