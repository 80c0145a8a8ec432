// Which lab image this process uses: found by recipe hash, or built once on first use, and described
// honestly for the page header and `maillab doctor`.
import type Docker from 'dockerode';
import { ensureImage, findImage, type ImageChoice, type ImageFlavor } from './image-builder.ts';

export interface ImageStatus {
  flavor: ImageFlavor | null;
  tag: string | null;
  description: string;
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
    private readonly docker: Docker,
    private readonly containersDir: string,
    private readonly flavor: ImageFlavor | 'auto',
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
    const found = await findImage(this.docker, { containersDir: this.containersDir, flavor: this.flavor });
    if (found) this.choice = found;
    return found;
  }

  ensure(onProgress: (message: string) => void = () => {}, force = false): Promise<ImageChoice> {
    if (this.choice && !force) return Promise.resolve(this.choice);
    if (!this.pending || force) {
      const pending: Promise<ImageChoice> = ensureImage(this.docker, {
        containersDir: this.containersDir,
        flavor: this.flavor,
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
