// `npm run bench:engine-idle -w @quickship/cli`: what an idle engine costs the machine. Starts
// `quickship up --no-analysis` (GitOps mode) on a scratch copy of the repository, waits until the
// Rollout is Healthy and the Applications Synced, then reads the engine's CPU time (its own and its
// reaped children's, e.g. git: /proc/<pid>/stat utime+stime+cutime+cstime) over a quiet window,
// and counts the git processes it started in that window (its children's pids sampled every 20 ms).
// Nothing else runs meanwhile: every CPU second is the reconcile loops' (and the instances' own
// health probes). Env: IDLE_WINDOW_S (10).
import { readFileSync, readdirSync } from 'node:fs';
import { LocalEngineClient } from '../src/api/client.ts';
import { buildTestRepo, healthy, removeTestRepo, waitForEntry } from '../test/helpers/engine.ts';
import { startUp } from '../test/helpers/up-process.ts';

const windowS = Number(process.env.IDLE_WINDOW_S ?? 10);
const ticks = 100; // USER_HZ

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime, stime, cutime, cstime are fields 14–17 (1-based), i.e. 11–14 after "pid (comm) ".
  return fields.slice(11, 15).reduce((sum, f) => sum + Number(f), 0) / ticks;
}

function gitChildren(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid && comm === 'git') found.push(Number(entry));
    } catch {
      // gone
    }
  }
  return found;
}

const repo = await buildTestRepo('prebuilt');
const up = await startUp(['--repo', repo.repoDir, '--state-dir', repo.stateDir, '--no-analysis'], {
  env: { PAYMENTS_API_KEYS: '' },
});
try {
  await waitForEntry(new LocalEngineClient(up.api), 'Healthy', healthy, 180_000);
  await new Promise((r) => setTimeout(r, 3000)); // let the first syncs and probes settle
  const pid = up.child.pid!;
  const seen = new Set<number>();
  const before = cpuSeconds(pid);
  const started = Date.now();
  while (Date.now() - started < windowS * 1000) {
    for (const child of gitChildren(pid)) seen.add(child);
    await new Promise((r) => setTimeout(r, 20));
  }
  const cpu = cpuSeconds(pid) - before;
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `idle engine over ${seconds.toFixed(1)} s (GitOps mode, --no-analysis, load average ${(await import('node:os')).loadavg()[0]!.toFixed(2)}):`,
  );
  console.log(
    `  CPU ${((cpu / seconds) * 100).toFixed(1)}% of one core (${cpu.toFixed(2)} s, engine and its reaped children)`,
  );
  console.log(
    `  git processes started: ${seen.size} (${(seen.size / seconds).toFixed(1)}/s, sampled every 20 ms: a lower bound)`,
  );
} finally {
  await up.stop();
  removeTestRepo(repo);
}
