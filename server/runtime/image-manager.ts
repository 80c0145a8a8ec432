// Which lab image this process uses: found by recipe hash or built once on first use, then proven
// by its self-test before any lab runs on it, and described honestly for the page header and
// `maillab doctor`. With MAILLAB_IMAGE=auto a RHEL 9 image that cannot be pulled, built or
// self-tested gives way to the offline image, and the reason is kept; an explicit choice fails with
// that same reason instead.
import { createReadStream, createWriteStream } from 'node:fs';
import { access, rename } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type Docker from 'dockerode';
import { errorMessage } from '../errors.ts';
import type { SelfTestStore } from '../store/self-test-store.ts';
import {
  ensureImage,
  findImage,
  ImageBuildError,
  type ImageChoice,
  type ImageFlavor,
  NoBaseImageError,
} from './image-builder.ts';
import { describeFailure, type SelfTestResult } from './image-self-test.ts';

export interface ImageStatus {
  flavor: ImageFlavor | null;
  tag: string | null;
  description: string;
  /** Why this image and not the other one, when auto fell back. */
  fallback?: string;
  selfTest?: SelfTestResult;
}

const DESCRIPTIONS: Record<ImageFlavor, string> = {
  rhel9: 'RHEL 9-family image (Rocky Linux 9 with systemd)',
  offline:
    'Offline image: Debian bookworm packages laid out like RHEL 9 (postfix 3.7, dovecot 2.3); versions and some paths differ from RHEL 9',
};

export type SelfTester = (
  image: string,
  imageId: string,
  onProgress: (message: string) => void,
) => Promise<SelfTestResult>;

export interface ImageManagerOptions {
  docker: Docker;
  containersDir: string;
  flavor: ImageFlavor | 'auto';
  /** Runs an image's self-test; without it (unit tests) images are used untested. */
  selfTest?: SelfTester;
  store?: SelfTestStore;
}

/** Finds or builds the lab image once per process and reports which one is in use. */
export class ImageManager {
  private choice?: ImageChoice;
  /** Set once the image is found or built and has passed its self-test. */
  private ready?: ImageChoice;
  private fallback?: string;
  private tested?: SelfTestResult;
  private pending?: Promise<ImageChoice>;
  constructor(private readonly opts: ImageManagerOptions) {}

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
      ...(this.fallback ? { fallback: this.fallback } : {}),
      ...(this.tested ? { selfTest: this.tested } : {}),
    };
  }

  /** The image that would be used, without building or testing anything; with its recorded self-test. */
  async find(): Promise<ImageChoice | undefined> {
    const found = await findImage(this.opts.docker, {
      containersDir: this.opts.containersDir,
      flavor: this.opts.flavor,
    });
    if (found) {
      this.choice = found;
      this.tested = await this.recorded(found.image);
    }
    return found;
  }

  async recorded(image: string): Promise<SelfTestResult | undefined> {
    const id = await this.imageId(image);
    return id ? this.opts.store?.get(id) : undefined;
  }

  /** The image labs use: found or built, and self-tested, once per process (again with force). */
  ensure(onProgress: (message: string) => void = () => {}, force = false): Promise<ImageChoice> {
    if (this.ready && !force) return Promise.resolve(this.ready);
    if (!this.pending || force) {
      this.pending = this.choose(onProgress, force).then(
        (choice) => {
          this.choice = choice;
          this.ready = choice;
          return choice;
        },
        (err) => {
          this.pending = undefined;
          throw err;
        },
      );
    }
    return this.pending;
  }

  private async choose(onProgress: (message: string) => void, force: boolean): Promise<ImageChoice> {
    const say = (message: string) => onProgress(message);
    const flavors: ImageFlavor[] = this.opts.flavor === 'auto' ? ['rhel9', 'offline'] : [this.opts.flavor];
    const reasons: string[] = [];
    for (const flavor of flavors) {
      let choice: ImageChoice;
      try {
        choice = await ensureImage(this.opts.docker, {
          containersDir: this.opts.containersDir,
          flavor,
          force,
          onProgress: (p) => say(`[image ${p.phase}] ${p.message}`),
        });
      } catch (err) {
        const why = `${flavor}: ${errorMessage(err)}`;
        if (this.opts.flavor !== 'auto' || flavor === flavors[flavors.length - 1])
          throw new ImageBuildError([...reasons, why].join('\n'), { cause: err });
        reasons.push(why);
        // No registry is the expected path offline: one calm line (doctor keeps the full reason).
        if (err instanceof NoBaseImageError)
          say(
            `[image] The RHEL 9 base ${err.base} is not on this machine and no registry gave it: using the offline image.`,
          );
        else say(`[image check] ${why}\n  Falling back to the offline image.`);
        continue;
      }
      const tested = await this.selfTest(choice.image, say);
      if (!tested || tested.passed) {
        this.tested = tested;
        this.fallback = reasons.length ? reasons.join('\n') : undefined;
        return reasons.length ? { ...choice, reason: `${reasons.join('; ')}; ${choice.reason}` } : choice;
      }
      const why = `${flavor}: ${describeFailure(tested)}`;
      reasons.push(why);
      if (this.opts.flavor !== 'auto' || flavor === flavors[flavors.length - 1])
        throw new ImageBuildError(
          `${reasons.join('\n')}\nRebuild it with \`npx maillab images build --force\`; if that fails the same way, the recipe in containers/${flavor} needs a fix.`,
        );
      say(`[image check] ${why}\n  Falling back to the offline image.`);
    }
    throw new ImageBuildError(reasons.join('\n'));
  }

  /** The recorded verdict for this image id, or a new self-test (then recorded). */
  private async selfTest(image: string, say: (m: string) => void): Promise<SelfTestResult | undefined> {
    if (!this.opts.selfTest) return undefined;
    const id = await this.imageId(image);
    if (!id) throw new ImageBuildError(`The image ${image} vanished before its self-test.`);
    const known = await this.opts.store?.get(id);
    if (known) {
      say(
        `[image self-test] ${known.passed ? 'passed' : 'failed'} on ${known.at} (recorded for image ${id.slice(7, 19)})`,
      );
      return known;
    }
    const result = await this.opts.selfTest(image, id, (m) => say(`[image self-test] ${m}`));
    await this.opts.store?.put(result);
    return result;
  }

  /**
   * Writes the image in use (or the one found for the current recipe) to a tar file, as `docker save`
   * does, so a teacher can build the RHEL 9 image where a registry is reachable and carry it to a
   * classroom without one.
   */
  async save(file: string, onProgress: (message: string) => void = () => {}): Promise<ImageChoice> {
    const choice = this.ready ?? (await this.find());
    if (!choice)
      throw new ImageBuildError(
        'There is no lab image to save yet: build it first with `npx maillab images build`.',
      );
    const stream = await this.opts.docker.getImage(choice.image).get();
    const sink = createWriteStream(`${file}.part`);
    let bytes = 0;
    let shown = 0;
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes - shown >= 64 * 1024 * 1024) {
        shown = bytes;
        onProgress(`${Math.round(bytes / 1024 / 1024)} MiB written`);
      }
    });
    await pipeline(stream, sink);
    await rename(`${file}.part`, file);
    onProgress(`${choice.image}: ${Math.round(bytes / 1024 / 1024)} MiB in ${file}`);
    return choice;
  }

  /** Loads images from a tar file made by `images save` (or `docker save`); returns the tags loaded. */
  async load(file: string, onProgress: (message: string) => void = () => {}): Promise<string[]> {
    await access(file).catch(() => {
      throw new ImageBuildError(`There is no file ${file} to load.`);
    });
    const response = await this.opts.docker.loadImage(createReadStream(file), { quiet: true });
    const tags: string[] = [];
    await new Promise<void>((resolve, reject) => {
      this.opts.docker.modem.followProgress(
        response,
        (err: Error | null) => (err ? reject(err) : resolve()),
        (event: { stream?: string; error?: string }) => {
          const line = (event.stream ?? '').trim();
          const tag = /^Loaded image: (.+)$/.exec(line)?.[1];
          if (tag) tags.push(tag);
          if (event.error) reject(new ImageBuildError(`Loading ${file} failed: ${event.error}`));
          else if (line) onProgress(line);
        },
      );
    });
    // Whatever is used next must prove itself, unless this very image already did.
    this.ready = undefined;
    this.pending = undefined;
    return tags;
  }

  private async imageId(image: string): Promise<string | undefined> {
    try {
      return (await this.opts.docker.getImage(image).inspect()).Id;
    } catch {
      return undefined;
    }
  }
}
