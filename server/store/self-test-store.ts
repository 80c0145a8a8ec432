// Self-test verdicts of lab images, one JSON file per image id in maillab's state directory, so an
// image is tested once (whoever builds or loads it) and `maillab doctor` can show the verdict.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SelfTestResult } from '../runtime/image-self-test.ts';

export class SelfTestStore {
  constructor(private readonly dir: string) {}

  private file(imageId: string): string {
    return path.join(this.dir, 'self-tests', `${imageId.replace(/^sha256:/, '').replace(/\W/g, '')}.json`);
  }

  async get(imageId: string): Promise<SelfTestResult | undefined> {
    try {
      const parsed = JSON.parse(await readFile(this.file(imageId), 'utf8')) as SelfTestResult;
      return parsed.imageId === imageId ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  async put(result: SelfTestResult): Promise<void> {
    const file = this.file(result.imageId);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(`${file}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
    await rename(`${file}.tmp`, file);
  }
}
