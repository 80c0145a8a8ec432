// The composition root: builds every service from the configuration and wires them together.
import { Checker } from './checker/checker.ts';
import type { Config } from './config.ts';
import { errorMessage } from './errors.ts';
import type { ImageStatus } from './http/app.ts';
import { LabService } from './labs/lab-service.ts';
import { type LessonCatalog, loadLessons } from './lessons/catalog.ts';
import { DockerRuntime } from './runtime/docker-runtime.ts';
import { connectEngine, type EngineConnection } from './runtime/engine.ts';
import { ensureImage, findImage, type ImageChoice, type ImageFlavor } from './runtime/image-builder.ts';

export interface Services {
  config: Config;
  engine: EngineConnection;
  runtime: DockerRuntime;
  lessons: LessonCatalog;
  checker: Checker;
  labs: LabService;
  images: ImageManager;
}

const DESCRIPTIONS: Record<ImageFlavor, string> = {
  rhel9: 'RHEL 9-family image (Rocky Linux 9 with systemd)',
  offline:
    'Offline image: Debian bookworm packages laid out like RHEL 9 (postfix 3.7, dovecot 2.3); versions and some paths differ from RHEL 9',
};

/** Finds or builds the lab image once per process and reports which one is in use. */
export class ImageManager {
  private choice?: ImageChoice;
  private pending?: Promise<ImageChoice>;
  constructor(
    private readonly engine: EngineConnection,
    private readonly config: Config,
  ) {}

  status(): ImageStatus {
    if (!this.choice)
      return {
        flavor: null,
        tag: null,
        description: 'Lab image not built yet: it is built when the first lab starts.',
      };
    return {
      flavor: this.choice.flavor,
      tag: this.choice.image,
      description: DESCRIPTIONS[this.choice.flavor],
    };
  }

  async find(): Promise<ImageChoice | undefined> {
    const found = await findImage(this.engine.docker, { containersDir: this.config.containersDir });
    if (found) this.choice = found;
    return found;
  }

  ensure(onProgress: (message: string) => void = () => {}, force = false): Promise<ImageChoice> {
    if (this.choice && !force) return Promise.resolve(this.choice);
    if (!this.pending || force) {
      const pending: Promise<ImageChoice> = ensureImage(this.engine.docker, {
        containersDir: this.config.containersDir,
        flavor: this.config.imageFlavor,
        force,
        onProgress: (p) => onProgress(`[image ${p.phase}] ${p.message}`),
      }).then(
        (choice) => {
          this.choice = choice;
          return choice;
        },
        (err) => {
          this.pending = undefined;
          throw err;
        },
      );
      this.pending = pending;
      return pending;
    }
    return this.pending;
  }
}

export async function compose(config: Config): Promise<Services> {
  const engine = connectEngine(config.dockerHost);
  const runtime = new DockerRuntime({ docker: engine.docker, endpoint: engine.endpoint });
  const lessons = await loadLessons(config.lessonsDir);
  const checker = new Checker(runtime);
  const images = new ImageManager(engine, config);
  const labs = new LabService({
    runtime,
    lessons,
    checker,
    maxLabs: config.maxLabs,
    image: async (say) => (await images.ensure(say)).image,
  });
  return { config, engine, runtime, lessons, checker, labs, images };
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
