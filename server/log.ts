// Structured logs: one JSON line per event (pino), with the request id or the lab id on every line
// that has one, so an operator can follow one student's lab through requests, sockets, check steps
// and engine errors (`journalctl -u maillab -o cat | grep <lab id>`). MAILLAB_LOG_LEVEL sets the level.
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { app: 'maillab' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

/** A logger that drops everything: for unit tests and one-off CLI commands. */
export const silentLogger: Logger = pino({ level: 'silent' });
