// `maillab class create|list|export`: classes from the command line, with the links and code an
// instructor hands out. Reads and writes the same database the server uses (WAL: both at once is fine).

import { gradesCsv } from '../classroom/grades.ts';
import type { Services } from '../compose.ts';
import { MaillabError } from '../errors.ts';
import { SessionGate } from '../http/session.ts';
import { allowOnly } from './args.ts';

export const CLASS_USAGE = `  maillab class create "<name>" --lessons 01,06,07   a class: prints the instructor link, join code and link
  maillab class list [--json]                       the classes, with ids and join codes
  maillab class export <class> --csv|--json         grades: one row per student per exercise`;

/** Where people open this maillab: MAILLAB_PUBLIC_URL, else the address `serve` listens on. */
export function publicBase(services: Services): string {
  const { config } = services;
  if (config.publicUrl) return config.publicUrl;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

export async function classCommand(
  services: Services,
  words: string[],
  flags: Record<string, string | true>,
  out: (line?: string) => void,
): Promise<number> {
  const [verb, name] = words;
  const { classroom } = services;
  switch (verb) {
    case 'create': {
      allowOnly(flags, ['lessons'], 'class create');
      if (!name || typeof flags.lessons !== 'string')
        throw new MaillabError('bad_request', `Usage:\n${CLASS_USAGE}`);
      const klass = classroom.create(name, flags.lessons.split(','));
      const gate = await SessionGate.load(services.config.stateDir);
      const base = publicBase(services);
      out(`Class "${klass.name}" (${klass.id}): lessons ${klass.lessons.join(', ')}`);
      out('');
      out('Instructor link (it carries a secret: keep it to yourself; it opens the dashboard):');
      out(`  ${base}/?key=${gate.keyFor('instructor', klass.id)}`);
      out('');
      out(`Join code for students: ${klass.joinCode}`);
      out(`Join link:              ${base}/join/${klass.joinCode}`);
      out('');
      out('Serve the class with: npx maillab serve --classroom [--host 0.0.0.0] [--port 8080]');
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
      if (flags.json) out(JSON.stringify(classes, null, 2));
      else if (!classes.length)
        out('No classes yet. Create one: npx maillab class create "<name>" --lessons 01,06');
      else
        for (const c of classes)
          out(`${c.id}  ${c.joinCode}  ${c.name}  (${c.students} students; lessons ${c.lessons.join(', ')})`);
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
      process.stdout.write(flags.csv ? gradesCsv(rows) : `${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    default:
      throw new MaillabError('bad_request', `Usage:\n${CLASS_USAGE}`);
  }
}
