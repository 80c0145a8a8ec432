// The composition root: builds every service from the configuration and wires them together.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { Checker } from './checker/checker.ts';
import { Classroom } from './classroom/classroom.ts';
import type { Config } from './config.ts';
import { errorMessage, MaillabError } from './errors.ts';
import { Admission } from './labs/admission.ts';
import { IdleExpiry } from './labs/idle-expiry.ts';
import { LabService, newLabId, newToken } from './labs/lab-service.ts';
import { PreparedImages } from './labs/prepared-images.ts';
import { ProgressRecorder } from './labs/progress-recorder.ts';
import { SparePool } from './labs/spare-pool.ts';
import { type LessonCatalog, loadLessons } from './lessons/catalog.ts';
import { type Logger, silentLogger } from './log.ts';
import { DockerRuntime } from './runtime/docker-runtime.ts';
import { connectEngine, type EngineConnection } from './runtime/engine.ts';
import { ImageManager } from './runtime/image-manager.ts';
import { selfTestImage } from './runtime/image-self-test.ts';
import { ClassStore } from './store/class-store.ts';
import { type Db, openDatabase } from './store/database.ts';
import { GraderStore } from './store/grader-store.ts';
import { ProgressStore } from './store/progress-store.ts';
import { SelfTestStore } from './store/self-test-store.ts';
import { SpareClaims } from './store/spare-claims.ts';

export interface Services {
  config: Config;
  log: Logger;
  engine: EngineConnection;
  runtime: DockerRuntime;
  lessons: LessonCatalog;
  checker: Checker;
  labs: LabService;
  images: ImageManager;
  /** maillab's database (classes, students, every attempt and reveal), in the data directory. */
  db: Db;
  progress: ProgressStore;
  classes: ClassStore;
  recorder: ProgressRecorder;
  classroom: Classroom;
  /** Classroom mode's fair queue for labs beyond MAILLAB_MAX_LABS. */
  admission: Admission;
  /** Classroom mode's reclaiming of idle labs. */
  expiry: IdleExpiry;
  /** Labs made ahead; the server refills it, `maillab spares fill` fills it once. */
  spares: SparePool;
  /** Lessons' setup done ahead, as images their labs boot from. */
  prepared: PreparedImages;
}

/** Builds the services; `log` is the structured logger (the server's; silent for CLI commands). */
export async function compose(config: Config, log: Logger = silentLogger): Promise<Services> {
  const engine = connectEngine(config.dockerHost);
  const runtime = new DockerRuntime({
    docker: engine.docker,
    endpoint: engine.endpoint,
    allowUnsafeCgroupBind: config.allowUnsafeCgroupBind,
    labSubnets: config.labSubnets,
    diskLimitBytes: config.diskLimitBytes,
  });
  const lessons = await loadLessons(config.lessonsDir, {
    cacheFile: path.join(config.stateDir, 'cache', 'front-matter.json'),
  });
  const store = new GraderStore(runtime);
  const checker = new Checker(runtime, store, log);
  const images = new ImageManager({
    docker: engine.docker,
    containersDir: config.containersDir,
    flavor: config.imageFlavor,
    selfTest: (image, imageId, say) => selfTestImage(runtime, image, imageId, say),
    store: new SelfTestStore(config.stateDir),
  });
  const db = openDatabase(config.dataDir);
  const progress = new ProgressStore(db);
  // With MAILLAB_OWNER set (a second maillab on a shared engine, the tests), students' labs carry it too,
  // and this maillab takes over only labs whose owner starts with it.
  const scoped = config.owner !== 'local';
  const ownerPrefix = config.owner.replace(/[^A-Za-z0-9_-]/g, '-');
  const classes = new ClassStore(db, scoped ? `${ownerPrefix}-st` : 'st');
  const recorder = new ProgressRecorder(progress, undefined, log);
  const prepared = new PreparedImages({
    runtime,
    setup: (labId, lesson, say) => checker.setup(labId, lesson, say),
    // One per state directory, like the spare owner: a test's maillab never removes another's.
    owner: `prep-${createHash('sha256').update(path.resolve(config.stateDir)).digest('hex').slice(0, 10)}`,
    enabled: config.preparedImages,
    refusalsFile: path.join(config.stateDir, 'prepared-refusals.json'),
    log,
    newLabId,
    newToken,
  });
  const labs = new LabService({
    runtime,
    lessons,
    checker,
    prepared,
    store,
    log,
    maxLabs: config.maxLabs,
    recorder,
    ...(scoped ? { adopts: (owner: string) => owner.startsWith(ownerPrefix) } : {}),
    image: async (say) => (await images.ensure(say)).image,
    builtImage: () => images.status().tag ?? undefined,
    claims: new SpareClaims(config.stateDir),
  });
  const admission = new Admission({ labs, maxLabs: config.maxLabs, log });
  const expiry = new IdleExpiry({
    labs,
    idleMs: config.idleLabMs,
    warnMs: config.idleWarnMs,
    extendMs: config.extendMs,
  });
  const classroom = new Classroom({
    classes,
    progress,
    lessons,
    labs: {
      list: (owner) => labs.list(owner),
      expiresAt: (labId) => expiry.expiresAt(labId),
      queued: (owner) => admission.queued(owner),
    },
  });
  const spares = new SparePool(labs, lessons, config.spareLabs, config.maxLabs, log);
  // A lesson named in MAILLAB_SPARE_LABS that does not exist is a setting error: say so at start.
  try {
    spares.targets();
  } catch (err) {
    throw new MaillabError('bad_request', `Invalid setting MAILLAB_SPARE_LABS: ${errorMessage(err)}`);
  }
  return {
    config,
    log,
    engine,
    runtime,
    lessons,
    checker,
    labs,
    images,
    spares,
    prepared,
    db,
    progress,
    classes,
    recorder,
    classroom,
    admission,
    expiry,
  };
}

export async function engineStatus(runtime: DockerRuntime) {
  try {
    await runtime.ping();
    const info = await runtime.info();
    return { ok: true, product: info.product, version: info.version };
  } catch (err) {
    return { ok: false, message: errorMessage(err) };
  }
}
