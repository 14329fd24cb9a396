// `npm run bench:cli-startup`: how long a `quickship` command takes from exec to exit, beside
// `kubectl version --client` measured in the same run (the tool it stands beside; goal: every
// command within 1.5× of it). Rounds are interleaved (each round runs every command once, in a
// rotated order) so that load from other processes on the machine hits all of them alike.
// Figures: median and max wall time per command, and the ratio of the medians to kubectl's.
// Also shown, for scale: `node -e 0` (the floor any Node CLI pays) and `quickship --help` run from
// the TypeScript sources through tsx (QUICKSHIP_FROM_SOURCE=1, how the bin started before).
// `lint` is timed three ways: unchanged inputs (its cached answer), --no-cache (the linters run,
// every parse cached) and after an edit (a comment appended to a scratch rollout.yaml before each
// run: that file's YAML is parsed, as after a real edit).
// The commands that ask the engine (`status`, `app list`, `app get`) are timed against a real
// `quickship up` (GitOps mode, --no-analysis) on a scratch copy of this repository, started before
// the rounds and stopped after them; CLI_BENCH_ENGINE=0 leaves them out.
// Env: CLI_BENCH_RUNS (15, at least 10), KUBECTL_BIN (kubectl), CLI_BENCH_ENGINE (1).
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalEngineClient } from '../src/api/client.ts';
import { buildTestRepo, healthy, removeTestRepo, waitForEntry, type TestRepo } from '../test/helpers/engine.ts';
import { git } from '../test/helpers/repo.ts';
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
  /** Run before each timed run, outside the timing. */
  readonly prepare?: () => void;
  readonly cwd?: string;
  /** Compared against kubectl's median (the goal applies). */
  readonly judged: boolean;
}

// A scratch repository holding deploy/ and the migrations, for a lint after an edit: before each
// run a comment line is appended to its rollout.yaml, so no cache can answer and that file's YAML
// is parsed (the other files' parses come from the parse cache, as after a real edit).
const lintRepo = join(mkdtempSync(join(tmpdir(), 'quickship-cli-bench-')), 'repo');
for (const folder of ['deploy', 'services/payments/migrations'])
  cpSync(join(root, folder), join(lintRepo, folder), { recursive: true });
git(root, 'init', '-q', '-b', 'main', lintRepo);
git(lintRepo, 'add', '.');
git(lintRepo, 'commit', '-qm', 'deploy and migrations');
let edits = 0;

const subjects: Subject[] = [
  { label: 'kubectl version --client', command: kubectl, args: ['version', '--client'], judged: false },
  { label: 'quickship --help', command: process.execPath, args: [bin, '--help'], judged: true },
  { label: 'quickship status --help', command: process.execPath, args: [bin, 'status', '--help'], judged: true },
  { label: 'quickship lint', command: process.execPath, args: [bin, 'lint'], judged: true },
  // The same lint with its answer not taken from the result cache (src/cli/run/lint-cache.ts): the
  // linters loaded and run, every file's parse from the parse cache.
  { label: 'quickship lint --no-cache', command: process.execPath, args: [bin, 'lint', '--no-cache'], judged: true },
  {
    label: 'quickship lint, after an edit',
    command: process.execPath,
    args: [bin, 'lint'],
    cwd: lintRepo,
    prepare: () => appendFileSync(join(lintRepo, 'deploy/apps/payments/rollout.yaml'), `# edit ${++edits}\n`),
    judged: true,
  },
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
  subject.prepare?.();
  const started = process.hrtime.bigint();
  const result = spawnSync(subject.command, subject.args, {
    cwd: subject.cwd ?? root,
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
// "× kubectl" (judged) is the ratio of the medians; "per round" is the median of each round's ratio
// to kubectl's run in that round, which a burst of load on the shared machine moves less.
console.log(
  `${'command'.padEnd(40)}${'median'.padStart(9)}${'max'.padStart(9)}${'× kubectl'.padStart(11)}${'per round'.padStart(11)}`,
);
const kubectlRuns = samples.get(subjects[0]!)!;
let failed = 0;
for (const subject of subjects) {
  const values = samples.get(subject)!;
  const ratio = median(values) / baseline;
  const verdict = subject.judged ? (ratio <= GOAL ? `  ok (goal ≤ ${GOAL}×)` : `  OVER goal ${GOAL}×`) : '';
  if (subject.judged && ratio > GOAL) failed++;
  const perRound = median(values.map((v, round) => v / kubectlRuns[round]!));
  console.log(
    `${subject.label.padEnd(40)}${`${median(values).toFixed(0)} ms`.padStart(9)}${`${Math.max(...values).toFixed(0)} ms`.padStart(9)}${`${ratio.toFixed(2)}×`.padStart(11)}${`${perRound.toFixed(2)}×`.padStart(11)}${verdict}`,
  );
}
await up?.stop();
removeTestRepo(repo);
rmSync(join(lintRepo, '..'), { recursive: true, force: true });
process.exitCode = failed > 0 ? 1 : 0;
