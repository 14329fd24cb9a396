// The analysis proofs' stack (test/analysis.test.ts, bench/analysis.ts): a real Prometheus
// scraping every ready payments instance the engine runs, labelled as deploy/'s ServiceMonitor
// makes the cluster's Prometheus label them; the engine (--dir mode, the fixture Rollout) with
// deploy/'s pre-/post-promotion analysis and deploy/'s error-rate and latency-p99
// AnalysisTemplates, their timing scaled down (ANALYSIS_TIMING) so a proof takes seconds, not
// minutes; load on the active port counting every failed request; one-at-a-time smoke traffic on
// the preview port (what the smoke Job does in the cluster; the Job provider has its own tests).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitManifests } from '../../src/core/manifests.ts';
import type { Engine } from '../../src/engine/engine.ts';
import { scrapeTargets, type ServiceMonitorSpec } from '../../src/runtime/prometheus-config.ts';
import { startPrometheus, type LocalPrometheus } from '../../src/runtime/prometheus.ts';
import type { KubeObject } from '../../src/store/object.ts';
import { API_KEY, editRollout, startEngine, type TestRepo } from './engine.ts';
import { CHECKOUT, writeFixtureDeploy } from './repo.ts';

/** Scaled-down analysis timing (deploy/ says initialDelay 30s, interval 30s, count 4). */
export const ANALYSIS_TIMING = { initialDelaySeconds: 5, intervalSeconds: 2, count: 5, scrapeIntervalSeconds: 1 };

const DEPLOY = join(CHECKOUT, 'deploy', 'apps', 'payments');
const readDeploy = (file: string): KubeObject =>
  splitManifests(readFileSync(join(DEPLOY, file), 'utf8'), file)[0]?.object as unknown as KubeObject;

/** deploy/'s analysis stanza of the Rollout, without the smoke Job template (see the header). */
const ANALYSIS = `      prePromotionAnalysis:
        args:
          - name: pod-template-hash
            valueFrom:
              podTemplateHashValue: Latest
        templates:
          - templateName: error-rate
          - templateName: latency-p99
      postPromotionAnalysis:
        args:
          - name: pod-template-hash
            valueFrom:
              podTemplateHashValue: Latest
        templates:
          - templateName: error-rate
          - templateName: latency-p99
`;

export interface AnalysisStack {
  readonly engine: Engine;
  readonly prometheus: LocalPrometheus;
  readonly deployDir: string;
  readonly log: string[];
  /** A new revision: APP_VERSION plus literal env on the pod template (never the ConfigMap). */
  release(version: string, env: Readonly<Record<string, string>>): void;
  stop(): Promise<void>;
}

export async function startAnalysisStack(repo: TestRepo, databaseUrl: string): Promise<AnalysisStack> {
  const dir = mkdtempSync(join(tmpdir(), 'quickship-prom-'));
  const prometheus = await startPrometheus({ dir, scrapeIntervalSeconds: ANALYSIS_TIMING.scrapeIntervalSeconds });
  const deployDir = writeFixtureDeploy(join(repo.stateDir, 'deploy'), repo.tag, (text) =>
    text.replace('      abortScaleDownDelaySeconds: 30\n', `      abortScaleDownDelaySeconds: 30\n${ANALYSIS}`),
  );
  for (const file of ['analysistemplate-error-rate.yaml', 'analysistemplate-latency-p99.yaml']) {
    const text = readFileSync(join(DEPLOY, file), 'utf8')
      .replace(/initialDelay: 30s/g, `initialDelay: ${ANALYSIS_TIMING.initialDelaySeconds}s`)
      .replace(/interval: 30s/g, `interval: ${ANALYSIS_TIMING.intervalSeconds}s`)
      .replace(/count: 4/g, `count: ${ANALYSIS_TIMING.count}`);
    writeFileSync(join(deployDir, file), text);
  }
  const { engine, log } = await startEngine(repo, databaseUrl, { deployDir, prometheusUrl: prometheus.url });
  const monitor = readDeploy('servicemonitor.yaml').spec as ServiceMonitorSpec;
  const service = readDeploy('service-metrics.yaml');
  let said = '';
  const syncTargets = async (): Promise<void> => {
    const pods = engine
      .instances()
      .filter((i) => i.port !== undefined && i.state === 'Running')
      .map((i) => ({
        name: i.name,
        namespace: 'payments',
        container: 'payments',
        address: `127.0.0.1:${i.port}`,
        labels: { 'rollouts-pod-template-hash': i.podTemplateHash },
      }));
    const key = JSON.stringify(pods);
    if (key === said) return;
    said = key;
    await prometheus.setTargets(
      scrapeTargets(monitor, [
        {
          service: {
            name: service.metadata.name,
            namespace: 'payments',
            labels: service.metadata.labels ?? {},
            portNames: ['http'],
          },
          pods,
        },
      ]),
    );
  };
  await syncTargets();
  const timer = setInterval(() => void syncTargets().catch(() => undefined), 200);
  return {
    engine,
    prometheus,
    deployDir,
    log,
    release(version, env) {
      editRollout(deployDir, (text) => {
        const extra = Object.entries(env)
          .map(([name, value]) => `\n            - name: ${name}\n              value: "${value}"`)
          .join('');
        return text
          .replace(/\n {12}- name: FAULT_[A-Z_]+\n {14}value: "[^"]*"/g, '')
          .replace(/(name: APP_VERSION\n\s+value: )"[^"]*"/, `$1"${version}"${extra}`);
      });
    },
    async stop() {
      clearInterval(timer);
      await engine.stop();
      await prometheus.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Traffic {
  readonly ok: number;
  readonly failed: number;
  readonly failures: string[];
  stop(): Promise<void>;
}

/** `workers` loops of GET /v1/payments on `url`, each failure (status ≥ 400 or a socket error) counted. */
export function traffic(url: () => string, workers: number): Traffic {
  let running = true;
  const state = { ok: 0, failed: 0, failures: [] as string[] };
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      try {
        const response = await fetch(`${url()}/v1/payments?limit=1`, {
          headers: { authorization: `Bearer ${API_KEY}` },
        });
        const body = await response.text();
        if (response.status >= 400) {
          state.failed++;
          if (state.failures.length < 20)
            state.failures.push(`${new Date().toISOString()} ${response.status} ${body.slice(0, 160)}`);
        } else state.ok++;
      } catch (error) {
        state.failed++;
        if (state.failures.length < 20) state.failures.push(String((error as Error).cause ?? error));
      }
    }
  });
  return {
    get ok() {
      return state.ok;
    },
    get failed() {
      return state.failed;
    },
    get failures() {
      return state.failures;
    },
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}
