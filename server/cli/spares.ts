// `maillab spares`: the labs made ahead. An instructor fills the pool before a class (`spares fill
// 06=30`), anyone lists what waits or clears it. The server refills by itself while it runs.
import type { Services } from '../compose.ts';
import { MaillabError } from '../errors.ts';
import type { LabState } from '../labs/lab-service.ts';
import { parseSpareSetting } from '../labs/spare-pool.ts';

const out = (line = '') => process.stdout.write(`${line}\n`);

const age = (lab: LabState, createdAt: Map<string, string>) => {
  const at = createdAt.get(lab.labId);
  if (!at) return '';
  const minutes = Math.round((Date.now() - Date.parse(at)) / 60_000);
  return minutes < 60 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
};

/** One line per spare: lesson, lab, status, age. Also what doctor prints. */
export async function describeSpares(services: Services): Promise<string[]> {
  const spares = await services.labs.spares();
  const createdAt = new Map((await services.runtime.listLabs()).map((l) => [l.labId, l.createdAt]));
  return spares.map(
    (s) => `${s.lesson.padEnd(22)} ${s.labId}  ${s.status.padEnd(8)} made ${age(s, createdAt)} ago`,
  );
}

export async function spares(services: Services, words: string[]): Promise<number> {
  const [action = 'list', targets] = words;
  switch (action) {
    case 'list': {
      const lines = await describeSpares(services);
      out(lines.length ? `Spare labs (${lines.length}):` : 'No spare labs are waiting.');
      for (const line of lines) out(`  ${line}`);
      return 0;
    }
    case 'fill': {
      if (targets) services.spares.setTargets(parseSpareSetting(targets));
      const wanted = [...services.spares.targets()].map(([l, n]) => `${n}× ${l}`).join(', ');
      if (!wanted) {
        out('Nothing to fill: name lessons and counts, e.g. `maillab spares fill 06=5,07=2`.');
        return 2;
      }
      out(`Filling the pool to ${wanted} (one lab at a time; each about 4 s)…`);
      await services.spares.fillNow(out);
      for (const line of await describeSpares(services)) out(`  ${line}`);
      out('They wait until a lab start takes one; `maillab spares clear` removes them.');
      return 0;
    }
    case 'clear': {
      const removed = await services.spares.stop();
      out(`Removed ${removed} spare lab${removed === 1 ? '' : 's'}.`);
      return 0;
    }
    default:
      throw new MaillabError('bad_request', `Unknown command "spares ${action}": use list, fill or clear.`);
  }
}
