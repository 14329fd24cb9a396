// `npm run bench:cli-startup`: how long a `quickship` command takes from exec to exit, beside
// `kubectl version --client` measured in the same run (the tool it stands beside; goal: every
// command within 1.5× of it). Rounds are interleaved (each round runs every command once, in a
// rotated order) so that load from other processes on the machine hits all of them alike.
// Figures: median and max wall time per command, and the ratio of the medians to kubectl's.
// Also shown, for scale: `node -e 0` (the floor any Node CLI pays) and `quickship --help` run from
// the TypeScript sources through tsx (QUICKSHIP_FROM_SOURCE=1, how the bin started before).
// The commands that ask the engine (`status`, `app list`, `app get`) are timed against a real
// `quickship up` (GitOps mode, --no-analysis) on a scratch copy of this repository, started before
// the rounds and stopped after them; CLI_BENCH_ENGINE=0 leaves them out.
// Env: CLI_BENCH_RUNS (15, at least 10), KUBECTL_BIN (kubectl), CLI_BENCH_ENGINE (1).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { LocalEngineClient } from '../src/api/client.ts';
import { buildTestRepo, healthy, removeTestRepo, waitForEntry, type TestRepo } from '../test/helpers/engine.ts';
import { startUp, type UpProcess } from '../test/helpers/up-process.ts';

const root = resolve(import.meta.dirname, '../../..');
const bin = resolve(import.meta.dirname, '../bin/quickship.js');
const runs = Math.max(10, Number(process.env.CLI_BENCH_RUNS ?? 15));
const kubectl = process.env.KUBECTL_BIN ?? 'kubectl';
const GOAL = 1.5;

interface Subject {
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Compared against kubectl's median (the goal applies). */
  readonly judged: boolean;
}

const subjects: Subject[] = [
  { label: 'kubectl version --client', command: kubectl, args: ['version', '--client'], judged: false },
  { label: 'quickship --help', command: process.execPath, args: [bin, '--help'], judged: true },
  { label: 'quickship status --help', command: process.execPath, args: [bin, 'status', '--help'], judged: true },
  { label: 'quickship lint', command: process.execPath, args: [bin, 'lint'], judged: true },
  // The same lint with its answer not taken from the result cache (src/cli/run/lint-cache.ts): what
  // a lint after an edit costs (the linters loaded and run; unchanged files' parses still cached).
  { label: 'quickship lint --no-cache', command: process.execPath, args: [bin, 'lint', '--no-cache'], judged: true },
  { label: 'node -e 0 (floor)', command: process.execPath, args: ['-e', '0'], judged: false },
  {
    label: 'quickship --help via tsx (before)',
    command: process.execPath,
    args: [bin, '--help'],
    env: { QUICKSHIP_FROM_SOURCE: '1' },
    judged: false,
  },
];

let repo: TestRepo | undefined;
let up: UpProcess | undefined;
if (process.env.CLI_BENCH_ENGINE !== '0') {
  console.log('starting `quickship up --no-analysis` on a scratch copy of the repository (GitOps mode)…');
  repo = await buildTestRepo('prebuilt');
  up = await startUp(['--repo', repo.repoDir, '--state-dir', repo.stateDir, '--no-analysis'], {
    env: { PAYMENTS_API_KEYS: '' },
  });
  await waitForEntry(new LocalEngineClient(up.api), 'Healthy', healthy, 180_000);
  for (const args of [['status'], ['app', 'list'], ['app', 'get', 'payments']])
    subjects.splice(subjects.length - 2, 0, {
      label: `quickship ${args.join(' ')} (engine up)`,
      command: process.execPath,
      args: [bin, ...args, '--api', up.api],
      judged: true,
    });
}

function timeOnce(subject: Subject): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(subject.command, subject.args, {
    cwd: root,
    env: { ...process.env, ...subject.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.error) throw new Error(`${subject.label}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${subject.label} exited ${result.status}: ${result.stderr.toString()}`);
  return ms;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

// One warm-up round: builds dist/cli when it is missing or stale, fills the page cache.
for (const subject of subjects) timeOnce(subject);

const samples = new Map<Subject, number[]>(subjects.map((s) => [s, []]));
for (let round = 0; round < runs; round++) {
  for (let i = 0; i < subjects.length; i++) {
    const subject = subjects[(i + round) % subjects.length]!;
    samples.get(subject)!.push(timeOnce(subject));
  }
}

const baseline = median(samples.get(subjects[0]!)!);
console.log(`CLI start-up, ${runs} interleaved runs each (wall time, exec to exit), Node ${process.version}`);
console.log(`${'command'.padEnd(36)}${'median'.padStart(10)}${'max'.padStart(10)}${'× kubectl'.padStart(12)}`);
let failed = 0;
for (const subject of subjects) {
  const values = samples.get(subject)!;
  const ratio = median(values) / baseline;
  const verdict = subject.judged ? (ratio <= GOAL ? `  ok (goal ≤ ${GOAL}×)` : `  OVER goal ${GOAL}×`) : '';
  if (subject.judged && ratio > GOAL) failed++;
  console.log(
    `${subject.label.padEnd(36)}${`${median(values).toFixed(0)} ms`.padStart(10)}${`${Math.max(...values).toFixed(0)} ms`.padStart(10)}${`${ratio.toFixed(2)}×`.padStart(12)}${verdict}`,
  );
}
await up?.stop();
removeTestRepo(repo);
process.exitCode = failed > 0 ? 1 : 0;
