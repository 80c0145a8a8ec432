// `maillab class create|list|link|export`: classes from the command line, with the links and code
// an instructor hands out. Reads and writes the same database the server uses (WAL: both at once is
// fine). Names come from students: what goes to a terminal has its control characters made visible.

import { gradesCsv } from '../classroom/grades.ts';
import type { Services } from '../compose.ts';
import { MaillabError } from '../errors.ts';
import { listenBase, servingUrl } from '../http/serving-address.ts';
import { SessionGate } from '../http/session.ts';
import { safeJson, terminalSafe } from '../http/unsafe-text.ts';
import type { ClassRecord } from '../store/class-store.ts';
import { allowOnly } from './args.ts';

export const CLASS_USAGE = `  maillab class create "<name>" --lessons 01,06,07   a class: prints the instructor link, join code and link
  maillab class list [--json]                       the classes, with ids and join codes
  maillab class link <class>                        the instructor link, join code and join link again
  maillab class export <class> --csv|--json         grades: one row per student per exercise`;

/**
 * Where people open this maillab: MAILLAB_PUBLIC_URL, else the address of the `serve` running on
 * this data directory, else where `serve` would listen by default (`guessed`: no server runs yet).
 */
export function publicBase(services: Pick<Services, 'config'>): { url: string; guessed: boolean } {
  const { config } = services;
  if (config.publicUrl) return { url: config.publicUrl, guessed: false };
  const running = servingUrl(config.dataDir);
  if (running) return { url: running, guessed: false };
  return { url: listenBase(config.host, config.port), guessed: true };
}

async function printLinks(services: Services, klass: ClassRecord, out: (line?: string) => void) {
  const gate = await SessionGate.load(services.config.stateDir);
  const base = publicBase(services);
  out('Instructor link (it carries a secret: keep it to yourself; it opens the dashboard):');
  out(`  ${base.url}/?key=${gate.keyFor('instructor', klass.id)}`);
  out('');
  out(`Join code for students: ${klass.joinCode}`);
  out(`Join link:              ${base.url}/join/${klass.joinCode}`);
  if (base.guessed) {
    out('');
    out(`No maillab serves this data directory yet: these links assume ${base.url}. If you serve on another`);
    out(`host or port, run \`npx maillab class link ${klass.id}\` once it runs (or set MAILLAB_PUBLIC_URL).`);
  }
}

export async function classCommand(
  services: Services,
  words: string[],
  flags: Record<string, string | true>,
  out: (line?: string) => void,
  /** Raw output (exports), and whether it is a terminal rather than a file or a pipe. */
  write: (text: string) => void = (text) => process.stdout.write(text),
  isTerminal = Boolean(process.stdout.isTTY),
): Promise<number> {
  const [verb, name] = words;
  const { classroom } = services;
  switch (verb) {
    case 'create': {
      allowOnly(flags, ['lessons'], 'class create');
      if (!name || typeof flags.lessons !== 'string')
        throw new MaillabError('bad_request', `Usage:\n${CLASS_USAGE}`);
      const klass = classroom.create(name, flags.lessons.split(','));
      out(`Class "${terminalSafe(klass.name)}" (${klass.id}): lessons ${klass.lessons.join(', ')}`);
      out('');
      await printLinks(services, klass, out);
      out('');
      out('Serve the class with: npx maillab serve --classroom [--host 0.0.0.0] [--port 8080]');
      return 0;
    }
    case 'link': {
      allowOnly(flags, [], 'class link');
      if (!name) throw new MaillabError('bad_request', 'Usage: maillab class link <class id, code or name>');
      const klass = classroom.find(name);
      out(`Class "${terminalSafe(klass.name)}" (${klass.id}): lessons ${klass.lessons.join(', ')}`);
      out('');
      await printLinks(services, klass, out);
      return 0;
    }
    case 'list': {
      allowOnly(flags, ['json'], 'class list');
      const classes = classroom.list().map((c) => ({
        id: c.id,
        name: c.name,
        lessons: c.lessons,
        joinCode: c.joinCode,
        students: services.classes.students(c.id).length,
        createdAt: c.createdAt,
      }));
      if (flags.json) out(safeJson(classes, 2));
      else if (!classes.length)
        out('No classes yet. Create one: npx maillab class create "<name>" --lessons 01,06');
      else {
        for (const c of classes)
          out(
            `${c.id}  ${c.joinCode}  ${terminalSafe(c.name)}  (${c.students} students; lessons ${c.lessons.join(', ')})`,
          );
        out('');
        out("A class's instructor link and join link: npx maillab class link <class id>");
      }
      return 0;
    }
    case 'export': {
      allowOnly(flags, ['csv', 'json'], 'class export');
      if (!name || Boolean(flags.csv) === Boolean(flags.json))
        throw new MaillabError(
          'bad_request',
          'Usage: maillab class export <class id, code or name> --csv|--json',
        );
      const rows = classroom.grades(classroom.find(name).id);
      // JSON escapes every unsafe character (\u001b), the same value read back; CSV goes to a file
      // byte for byte, and only a terminal is shown its control characters as visible escapes.
      const text = flags.csv ? gradesCsv(rows) : `${safeJson(rows, 2)}\n`;
      write(flags.csv && isTerminal ? terminalSafe(text.replace(/\r\n/g, '\n'), ['\n']) : text);
      return 0;
    }
    default:
      throw new MaillabError('bad_request', `Usage:\n${CLASS_USAGE}`);
  }
}
