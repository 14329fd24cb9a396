// The Prometheus runner's own duties on a real Prometheus: a process left behind by a killed `up`
// is stopped before the next start takes its folder; each target is scraped at its ServiceMonitor
// endpoint's interval unless a local interval is forced; rule files promtool refuses are reported
// and not loaded while the valid ones are.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROMETHEUS_BINARY, startPrometheus, type LocalPrometheus } from './prometheus.ts';

const installed = existsSync(process.env.QUICKSHIP_PROMETHEUS ?? PROMETHEUS_BINARY);
const dirs: string[] = [];
const running: LocalPrometheus[] = [];

afterAll(async () => {
  for (const p of running) await p.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'quickship-prom-runtime-'));
  dirs.push(dir);
  return dir;
}

function alive(pid: number): boolean {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2]?.startsWith('Z');
  } catch {
    return false;
  }
}

describe.skipIf(!installed)('startPrometheus', () => {
  it('stops a Prometheus a killed `up` left running on the same folder, then starts', async () => {
    const dir = tempDir();
    const first = await startPrometheus({ dir });
    running.push(first);
    const pid = Number(readFileSync(join(dir, 'prometheus.pid'), 'utf8'));
    expect(alive(pid)).toBe(true);
    // No stop(): as if `up` had been SIGKILLed. The next start owns the folder (and its TSDB lock).
    const second = await startPrometheus({ dir });
    running.push(second);
    expect(alive(pid)).toBe(false);
    expect((await fetch(`${second.url}/-/ready`)).ok).toBe(true);
    await second.stop();
    expect(existsSync(join(dir, 'prometheus.pid'))).toBe(false);
  }, 60_000);

  it("scrapes each target at its endpoint's interval, or at the forced one", async () => {
    const group = (address: string, interval: string) => ({
      targets: [address],
      labels: { job: 'j', __scrape_interval__: interval, __scrape_timeout__: '5s' },
    });
    const own = await startPrometheus({ dir: tempDir() });
    const forced = await startPrometheus({ dir: tempDir(), scrapeIntervalSeconds: 1 });
    running.push(own, forced);
    for (const p of [own, forced]) await p.setTargets([group('127.0.0.1:1', '15s'), group('127.0.0.1:2', '7s')]);
    const intervals = async (p: LocalPrometheus): Promise<string[] | undefined> => {
      const res = await fetch(`${p.url}/api/v1/targets`);
      const body = (await res.json()) as { data: { activeTargets: { scrapeUrl: string; scrapeInterval: string }[] } };
      const list = body.data.activeTargets.sort((a, b) => a.scrapeUrl.localeCompare(b.scrapeUrl));
      return list.length === 2 ? list.map((t) => t.scrapeInterval) : undefined;
    };
    const deadline = Date.now() + 20_000;
    let seen: [string[] | undefined, string[] | undefined] = [undefined, undefined];
    while (Date.now() < deadline) {
      seen = [await intervals(own), await intervals(forced)];
      if (seen[0] && seen[1]) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(seen).toEqual([
      ['15s', '7s'],
      ['1s', '1s'],
    ]);
  }, 60_000);

  it('loadRules: the files promtool accepts are loaded, the others reported', async () => {
    const p = await startPrometheus({ dir: tempDir(), evaluationIntervalSeconds: 1 });
    running.push(p);
    const result = await p.loadRules(
      new Map([
        ['good', { groups: [{ name: 'good', rules: [{ record: 'one', expr: 'vector(1)' }] }] }],
        ['bad', { groups: [{ name: 'bad', rules: [{ alert: 'X', expr: 'rate(up[5m]' }] }] }],
        [
          'dup',
          {
            groups: [
              { name: 'd', rules: [] },
              { name: 'd', rules: [] },
            ],
          },
        ],
      ]),
    );
    expect(result.loaded).toEqual(['good']);
    expect(result.rejected.map((r) => r.name)).toEqual(['bad', 'dup']);
    expect(result.rejected[0]?.error).toMatch(/parse error/);
    expect(result.rejected[1]?.error).toMatch(/groupname: "d" is repeated in the same file/);
    const res = await fetch(`${p.url}/api/v1/rules`);
    const groups = ((await res.json()) as { data: { groups: { name: string }[] } }).data.groups.map((g) => g.name);
    expect(groups).toEqual(['good']);
  }, 60_000);
});
