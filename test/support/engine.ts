// Real-engine test support. Without an engine these tests skip locally, but fail under CI=true:
// CI must never pass by testing nothing.
import { compose, type Services } from '../../server/compose.ts';
import { readConfig } from '../../server/config.ts';
import { errorMessage } from '../../server/errors.ts';

let cached: Promise<{ services?: Services; reason?: string }> | undefined;

async function probe(): Promise<{ services?: Services; reason?: string }> {
  const services = await compose(readConfig());
  try {
    await services.runtime.ping();
  } catch (err) {
    return { reason: errorMessage(err) };
  }
  const image = await services.images.ensure((line) => process.stderr.write(`${line}\n`));
  process.stderr.write(`[maillab tests] lab image ${image.image}\n`);
  return { services };
}

/** Services on the real engine, with the lab image built; undefined (skip) only outside CI. */
export async function realEngine(): Promise<Services | undefined> {
  cached ??= probe();
  const { services, reason } = await cached;
  if (services) return services;
  if (process.env.CI === 'true')
    throw new Error(`CI=true but the container engine is unavailable: ${reason}`);
  process.stderr.write(`[maillab tests] skipping engine tests: ${reason}\n`);
  return undefined;
}

export const engineAvailable = async () => (await realEngine()) !== undefined;
