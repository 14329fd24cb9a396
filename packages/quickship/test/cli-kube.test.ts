// The CLI's --kubeconfig/--context option selects the Kubernetes target (src/kube): run against
// the loopback API server serving upstream's controller-written objects (skipped when the
// corpus is absent), `status` draws the cluster's revisions and `promote` sends the plugin's patch.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { KubeObject } from '../src/kube/objects.ts';
import { startApiServer, type LoopbackApiServer } from '../src/kube/testing/apiserver.ts';
import { CORPUS_DIR } from '../src/core/testing/corpus.ts';
import { runMain } from './helpers/run-main.ts';

const corpus = join(CORPUS_DIR, 'status-bluegreen');
let server: LoopbackApiServer;
let dir: string;
let kubeconfig: string;

describe.skipIf(!existsSync(corpus))('quickship with --kubeconfig (loopback API server)', () => {
  beforeAll(async () => {
    const objects = readdirSync(corpus)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => parse(readFileSync(join(corpus, f), 'utf8')) as KubeObject);
    server = await startApiServer({
      rollouts: objects.filter((o) => o.kind === 'Rollout'),
      replicaSets: objects.filter((o) => o.kind === 'ReplicaSet'),
      pods: objects.filter((o) => o.kind === 'Pod'),
    });
    dir = mkdtempSync(join(tmpdir(), 'quickship-cli-kube-'));
    kubeconfig = join(dir, 'kubeconfig');
    // A token user and plain http to loopback (client-node wants TLS verification off for that).
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'loopback', cluster: { server: server.url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'tester', user: { token: 'test-token' } }],
      contexts: [{ name: 'loopback', context: { cluster: 'loopback', user: 'tester', namespace: 'jesse-test' } }],
      'current-context': 'loopback',
    };
    writeFileSync(kubeconfig, stringify(config));
  });
  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('status (name found by listing) draws the active, preview and old revisions', async () => {
    const { code, out, err } = await runMain('status', '--kubeconfig', kubeconfig);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toMatch(/^Name: {12}bluegreen-demo$/m);
    expect(out).toMatch(/# revision:11\n.*⧉ bluegreen-demo-\w+ +ReplicaSet .* preview/);
    expect(out).toMatch(/# revision:10\n.*⧉ bluegreen-demo-\w+ +ReplicaSet .* stable,active/);
  });

  it("promote sends the plugin's patch and prints one line", async () => {
    const { code, out } = await runMain(
      'promote',
      'bluegreen-demo',
      '--kubeconfig',
      kubeconfig,
      '--context',
      'loopback',
    );
    expect({ code, out }).toEqual({ code: 0, out: "rollout 'bluegreen-demo' promoted\n" });
    expect(server.patches().length).toBeGreaterThan(0);
    expect(
      server
        .patches()
        .every((p) => p.path.startsWith('/apis/argoproj.io/v1alpha1/namespaces/jesse-test/rollouts/bluegreen-demo')),
    ).toBe(true);
  });

  it('an unknown context is a user error naming the contexts', async () => {
    const { code, err } = await runMain('status', 'bluegreen-demo', '--kubeconfig', kubeconfig, '--context', 'prod');
    expect(code).toBe(1);
    expect(err).toMatch(/error: context "prod" is not in the kubeconfig \(contexts: loopback\)\n {2}fix: /);
  });
});
