// `npm run bench` (second part): a simulated class of BENCH_CLASS_STUDENTS (30) students on lesson 06,
// let in BENCH_CLASS_WAVE (3) labs at a time by the classroom queue, through the real HTTP API. Prints
// queue waits, lab-ready times, check times, the labs' memory at the fullest moment and the server's
// RSS, beside the baseline the first part measured on the same run (one lab alone, if it was written).
// Writes test/bench/results/class-latest.json.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { readConfig } from '../../server/config.ts';
import { simulateClass } from './class-sim.ts';
import { fmtSummary, summarize, table } from './stats.ts';

process.env.MAILLAB_IMAGE = 'offline';
const STUDENTS = Number(process.env.BENCH_CLASS_STUDENTS ?? 30);
const WAVE = Number(process.env.BENCH_CLASS_WAVE ?? 3);
const log = (line: string) => process.stderr.write(`[bench class] ${line}\n`);

async function main(): Promise<void> {
  log(`${STUDENTS} students, ${WAVE} labs at a time, on ${os.cpus().length} cores`);
  const run = await simulateClass(readConfig(), { students: STUDENTS, wave: WAVE, log });
  const alone = await readFile(new URL('results/latest.json', import.meta.url), 'utf8')
    .then((text) => JSON.parse(text) as { labReady?: { maillabMs?: { median: number } } })
    .catch(() => undefined);
  const s = (values: number[]) => summarize(values.map((ms) => ms / 1000));
  const report = {
    at: new Date().toISOString(),
    machine: {
      nproc: os.cpus().length,
      totalMemoryGiB: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
      loadAverage: os.loadavg(),
    },
    ...run,
    summary: {
      queuedS: s(run.runs.map((r) => r.queuedMs)),
      readyS: s(run.runs.map((r) => r.readyMs)),
      checkS: s(run.runs.map((r) => r.checkMs)),
      labAloneReadyS: alone?.labReady?.maillabMs?.median,
    },
  };
  const dir = new URL('results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  await writeFile(new URL('class-latest.json', dir), `${JSON.stringify(report, null, 2)}\n`);
  console.log(
    `\nA class of ${STUDENTS} on lesson 06, ${WAVE} labs at a time: ${(run.wallMs / 1000).toFixed(0)} s from the first join to the last finish\n`,
  );
  console.log(
    table([
      ['metric', 'in the class', 'baseline'],
      ['waited in the queue', fmtSummary(report.summary.queuedS, 's', 1), '0 s (no queue)'],
      [
        'lab ready once admitted',
        fmtSummary(report.summary.readyS, 's', 1),
        report.summary.labAloneReadyS
          ? `${report.summary.labAloneReadyS} s (one lab alone, first part)`
          : '—',
      ],
      ['check, solved lab', fmtSummary(report.summary.checkS, 's', 1), '—'],
      ['labs at once (most)', String(run.mostLabsAtOnce), `limit ${WAVE}`],
      ['labs memory at the fullest', `${run.labsMemoryMiB} MiB for ${run.labsAtMemorySample} labs`, '—'],
      ['server RSS', `${run.serverRssMiB.before} → ${run.serverRssMiB.peak} MiB (peak)`, '—'],
      ['Checks made / attempts recorded', `${run.checksMade} / ${run.attemptsRecorded}`, 'equal: none lost'],
      ['passed in the export', String(run.passedInExport), String(STUDENTS)],
    ]),
  );
  console.log('\nWritten to test/bench/results/class-latest.json');
  if (run.attemptsRecorded !== run.checksMade) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
