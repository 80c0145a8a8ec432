// Where a running `serve` is reached, written beside the database it serves: the CLI (`class create`,
// `class link`) prints links from it, so a class served on --port 9090 gets links with 9090, not the
// default 8080 the CLI alone would guess. Removed when the server stops; a file left by a killed
// server is ignored once its process is gone.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const FILE = 'serving.json';

/** The address a server listening on host:port is opened at from this machine. */
export function listenBase(host: string, port: number): string {
  const name = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return `http://${name.includes(':') ? `[${name}]` : name}:${port}`;
}

interface Serving {
  url: string;
  pid: number;
}

export function recordServing(dataDir: string, url: string): void {
  writeFileSync(path.join(dataDir, FILE), `${JSON.stringify({ url, pid: process.pid })}\n`, { mode: 0o600 });
}

/** Removes the record if this process wrote it (another server may have started since). */
export function forgetServing(dataDir: string): void {
  if (readServing(dataDir)?.pid === process.pid) rmSync(path.join(dataDir, FILE), { force: true });
}

/** The address of the server running on this data directory, if one runs. */
export function servingUrl(dataDir: string): string | undefined {
  const serving = readServing(dataDir);
  if (!serving) return undefined;
  try {
    process.kill(serving.pid, 0);
    return serving.url;
  } catch (err) {
    // EPERM: alive, another user's process.
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? serving.url : undefined;
  }
}

function readServing(dataDir: string): Serving | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path.join(dataDir, FILE), 'utf8')) as Partial<Serving>;
    return typeof parsed.url === 'string' && Number.isInteger(parsed.pid)
      ? { url: parsed.url, pid: parsed.pid as number }
      : undefined;
  } catch {
    return undefined;
  }
}
