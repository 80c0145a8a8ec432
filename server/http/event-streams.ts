// The server's open event streams (the dashboards' live feed), so a stopping server can end them:
// an open stream is a request that never finishes, and Node's server.close() waits for every one
// (a SIGTERM took about 95 s with two dashboards open, until their streams were dropped).
import type { Response } from 'express';

export class EventStreams {
  private readonly open = new Set<Response>();
  private stopping = false;

  /** Whether new streams are refused: the server is on its way down. */
  get closed(): boolean {
    return this.stopping;
  }

  /** Keeps `res` until it ends; `onEnd` frees what the stream held (its timers, its subscription). */
  add(res: Response, onEnd: () => void): void {
    this.open.add(res);
    res.on('close', () => {
      this.open.delete(res);
      onEnd();
    });
  }

  /** Tells every stream the server is stopping, as its last event, and ends it. */
  stopAll(): number {
    this.stopping = true;
    const count = this.open.size;
    const data = JSON.stringify({ at: new Date().toISOString(), message: 'The maillab server is stopping.' });
    for (const res of this.open) {
      res.write(`event: stopping\ndata: ${data}\n\n`);
      res.end();
    }
    return count;
  }
}
