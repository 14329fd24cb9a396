// The Kubernetes target against a loopback API server serving the real controller-written
// objects of ../shared/corpus/argo-rollouts/status-bluegreen/ (a paused blue/green Rollout:
// revision 11 in preview, 10 active and stable, 8 scaled down). Each verb must send exactly the
// request the kubectl Argo Rollouts plugin sends: method, path, Content-Type and body.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { VerbNotApplicableError } from '../model.ts';
import { createRolloutsApi } from './client.ts';
import { KubeTargetUnavailableError, RolloutNotFoundError } from './errors.ts';
import { createKubeTarget } from './index.ts';
import type { KubeObject } from './objects.ts';
import { KubeTarget } from './target.ts';
import { viewFromKube } from '../core/view-from-kube.ts';
import { startApiServer, type ApiServerOptions, type LoopbackApiServer } from './testing/apiserver.ts';

const corpus = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  '..',
  '..',
  'shared',
  'corpus',
  'argo-rollouts',
  'status-bluegreen',
);
const ROLLOUT_PATH = '/apis/argoproj.io/v1alpha1/namespaces/jesse-test/rollouts/bluegreen-demo';
const NOW = new Date('2019-11-03T12:00:00.000Z');

function loadCorpus(): { rollout: KubeObject; replicaSets: KubeObject[]; pods: KubeObject[] } {
  const objects = readdirSync(corpus)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => parse(readFileSync(join(corpus, file), 'utf8')) as KubeObject);
  return {
    rollout: objects.find((object) => object.kind === 'Rollout')!,
    replicaSets: objects.filter((object) => object.kind === 'ReplicaSet'),
    pods: objects.filter((object) => object.kind === 'Pod'),
  };
}

describe.skipIf(!existsSync(corpus))(
  'Kubernetes target (loopback API server, upstream status-bluegreen objects)',
  () => {
    const objects = existsSync(corpus) ? loadCorpus() : undefined;
    const dir = mkdtempSync(join(tmpdir(), 'quickship-kube-'));
    let server: LoopbackApiServer | undefined;

    function kubeconfig(url: string): string {
      const file = join(dir, `kubeconfig-${url.split(':').at(-1)}`);
      writeFileSync(
        file,
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters:',
          `- name: loopback`,
          // client-node refuses plain http unless TLS verification is explicitly off (loopback only).
          `  cluster: { server: "${url}", insecure-skip-tls-verify: true }`,
          'users:',
          '- name: tester',
          '  user: { token: test-token }',
          'contexts:',
          '- name: loopback',
          '  context: { cluster: loopback, user: tester, namespace: jesse-test }',
          'current-context: loopback',
          '',
        ].join('\n'),
      );
      return file;
    }

    async function target(
      overrides: Partial<ApiServerOptions> = {},
      rollout: KubeObject = objects!.rollout,
    ): Promise<KubeTarget> {
      server = await startApiServer({
        rollouts: [rollout],
        replicaSets: objects!.replicaSets,
        pods: objects!.pods,
        ...overrides,
      });
      return new KubeTarget(
        createRolloutsApi({ kubeconfig: kubeconfig(server.url), context: 'loopback' }),
        viewFromKube,
        () => NOW,
      );
    }

    function withStatus(patch: Record<string, unknown>, spec: Record<string, unknown> = {}): KubeObject {
      const rollout = structuredClone(objects!.rollout) as {
        spec: Record<string, unknown>;
        status: Record<string, unknown>;
      };
      Object.assign(rollout.status, patch);
      Object.assign(rollout.spec, spec);
      return rollout as unknown as KubeObject;
    }

    function templateOf(name: string): unknown {
      const rs = objects!.replicaSets.find((candidate) => candidate.metadata?.name === name) as {
        spec: { template: { metadata: { labels: Record<string, string> } } };
      };
      const template = structuredClone(rs.spec.template);
      delete template.metadata.labels['rollouts-pod-template-hash'];
      return template;
    }

    afterEach(async () => {
      await server?.close();
      server = undefined;
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    beforeAll(() => {
      expect(objects!.replicaSets).toHaveLength(3);
      expect(objects!.pods).toHaveLength(6);
    });

    it('status: reads the Rollout, its ReplicaSets and Pods by label selector, with the kubeconfig credentials', async () => {
      const kube = await target();
      const { rollout } = await kube.get('bluegreen-demo');
      expect((rollout.metadata as { uid: string }).uid).toBe('fe2872f3-f79f-11e9-a15b-42010aa80033');
      expect(
        server!.requests.map((request) => `${request.method} ${request.path}?${request.query.toString()}`).sort(),
      ).toEqual(
        [
          `GET ${ROLLOUT_PATH}?`,
          'GET /api/v1/namespaces/jesse-test/pods?labelSelector=app%3Dbluegreen-demo',
          'GET /apis/apps/v1/namespaces/jesse-test/replicasets?labelSelector=app%3Dbluegreen-demo',
        ].sort(),
      );
      expect(server!.requests.every((request) => request.authorization === 'Bearer test-token')).toBe(true);
    });

    it('status: shows the revisions `kubectl argo rollouts get rollout` shows (11 preview, 10 stable+active, 8 scaled down)', async () => {
      const { view } = await (await target()).get('bluegreen-demo');
      // Expected values from upstream's own test of this data: cmd/get/get_test.go TestGetBlueGreenRollout.
      expect(view.name).toBe('bluegreen-demo');
      expect(view.namespace).toBe('jesse-test');
      expect(view.phase).toBe('Paused');
      expect(view.message).toBe('BlueGreenPause');
      expect(
        view.revisions.map((revision) => [
          revision.revision,
          revision.podTemplateHash,
          [...revision.markers].sort(),
          revision.status,
        ]),
      ).toEqual([
        [11, '74b948fccb', ['preview'], 'Healthy'],
        [10, '6cbccd9f99', ['active', 'stable'], 'Healthy'],
        [8, '746d5fddf6', [], 'ScaledDown'],
      ]);
      expect(view.revisions.map((revision) => revision.pods.map((pod) => pod.name).sort())).toEqual([
        ['bluegreen-demo-74b948fccb-5jz59', 'bluegreen-demo-74b948fccb-mkhrl', 'bluegreen-demo-74b948fccb-vvj2t'],
        ['bluegreen-demo-6cbccd9f99-gk78v', 'bluegreen-demo-6cbccd9f99-kxj8g', 'bluegreen-demo-6cbccd9f99-t2d4f'],
        [],
      ]);
      expect(view.images).toEqual([
        { image: 'argoproj/rollouts-demo:blue', markers: ['stable', 'active'] },
        { image: 'argoproj/rollouts-demo:green', markers: ['preview'] },
      ]);
      expect(view.replicas).toEqual({ desired: 3, current: 6, updated: 3, ready: 6, available: 3 });
    });

    it('promote: clears the BlueGreenPause on the status subresource (merge patch), nothing else', async () => {
      const kube = await target();
      expect(await kube.promote('bluegreen-demo', { full: false })).toBe("rollout 'bluegreen-demo' promoted");
      expect(
        server!.patches().map(({ method, path, contentType, body }) => ({ method, path, contentType, body })),
      ).toEqual([
        {
          method: 'PATCH',
          path: `${ROLLOUT_PATH}/status`,
          contentType: 'application/merge-patch+json',
          body: { status: { pauseConditions: null } },
        },
      ]);
    });

    it('promote: also unpauses spec.paused, after the status patch', async () => {
      const kube = await target({}, withStatus({}, { paused: true }));
      await kube.promote('bluegreen-demo', { full: false });
      expect(server!.patches().map(({ path, contentType, body }) => ({ path, contentType, body }))).toEqual([
        {
          path: `${ROLLOUT_PATH}/status`,
          contentType: 'application/merge-patch+json',
          body: { status: { pauseConditions: null } },
        },
        { path: ROLLOUT_PATH, contentType: 'application/merge-patch+json', body: { spec: { paused: false } } },
      ]);
    });

    it('promote: without a status subresource, falls back to the unified patch on the resource (Rollouts v0.9)', async () => {
      const kube = await target({ statusSubresource: false });
      await kube.promote('bluegreen-demo', { full: false });
      expect(server!.patches().map(({ path, body }) => ({ path, body }))).toEqual([
        { path: `${ROLLOUT_PATH}/status`, body: { status: { pauseConditions: null } } },
        { path: ROLLOUT_PATH, body: { spec: { paused: false }, status: { pauseConditions: null } } },
      ]);
    });

    it('promote --full: sets status.promoteFull while currentPodHash is not the stable ReplicaSet', async () => {
      const kube = await target();
      expect(await kube.promote('bluegreen-demo', { full: true })).toBe("rollout 'bluegreen-demo' fully promoted");
      expect(server!.patches().map(({ path, contentType, body }) => ({ path, contentType, body }))).toEqual([
        {
          path: `${ROLLOUT_PATH}/status`,
          contentType: 'application/merge-patch+json',
          body: { status: { promoteFull: true } },
        },
      ]);
    });

    it('promote: refuses, sending nothing, when the rollout is not paused and fully promoted', async () => {
      const kube = await target({}, withStatus({ pauseConditions: undefined, currentPodHash: '6cbccd9f99' }));
      await expect(kube.promote('bluegreen-demo', { full: false })).rejects.toBeInstanceOf(VerbNotApplicableError);
      await expect(kube.promote('bluegreen-demo', { full: true })).rejects.toThrow(/already fully promoted/);
      expect(server!.patches()).toEqual([]);
    });

    it('abort and retry: read the Rollout (core/verb-rules.ts decides), then set status.abort on the status subresource', async () => {
      const sent = (): unknown[] =>
        server!.requests.map(({ method, path, contentType, body }) => ({ method, path, contentType, body }));
      const read = { method: 'GET', path: ROLLOUT_PATH, contentType: undefined, body: undefined };
      const kube = await target();
      expect(await kube.abort('bluegreen-demo')).toBe("rollout 'bluegreen-demo' aborted");
      expect(sent()).toEqual([
        read,
        {
          method: 'PATCH',
          path: `${ROLLOUT_PATH}/status`,
          contentType: 'application/merge-patch+json',
          body: { status: { abort: true } },
        },
      ]);
      await server!.close();
      const aborted = await target({}, withStatus({ abort: true }));
      expect(await aborted.retry('bluegreen-demo')).toBe("rollout 'bluegreen-demo' retried");
      expect(sent()).toEqual([
        read,
        {
          method: 'PATCH',
          path: `${ROLLOUT_PATH}/status`,
          contentType: 'application/merge-patch+json',
          body: { status: { abort: false } },
        },
      ]);
    });

    it('abort of an aborted rollout, retry of one that is not: refused as locally, nothing sent', async () => {
      const kube = await target();
      await expect(kube.retry('bluegreen-demo')).rejects.toThrow(
        "rollout 'bluegreen-demo' is not aborted: nothing to retry",
      );
      expect(server!.patches()).toEqual([]);
      await server!.close();
      const aborted = await target({}, withStatus({ abort: true }));
      await expect(aborted.abort('bluegreen-demo')).rejects.toThrow("rollout 'bluegreen-demo' is already aborted");
      expect(server!.patches()).toEqual([]);
    });

    it('abort: without a status subresource, sends the same patch to the resource', async () => {
      const kube = await target({ statusSubresource: false });
      await kube.abort('bluegreen-demo');
      expect(server!.patches().map(({ path, body }) => ({ path, body }))).toEqual([
        { path: `${ROLLOUT_PATH}/status`, body: { status: { abort: true } } },
        { path: ROLLOUT_PATH, body: { status: { abort: true } } },
      ]);
    });

    it("undo: JSON-patches spec.template with the previous revision's ReplicaSet template, minus the hash label", async () => {
      const kube = await target();
      expect(await kube.undo('bluegreen-demo', {})).toBe("rollout 'bluegreen-demo' undo (to revision 10)");
      expect(
        server!.patches().map(({ method, path, contentType, body }) => ({ method, path, contentType, body })),
      ).toEqual([
        {
          method: 'PATCH',
          path: ROLLOUT_PATH,
          contentType: 'application/json-patch+json',
          body: [{ op: 'replace', path: '/spec/template', value: templateOf('bluegreen-demo-6cbccd9f99') }],
        },
      ]);
    });

    it('undo --to-revision 8: restores the scaled-down revision; an unknown revision is refused', async () => {
      const kube = await target();
      await kube.undo('bluegreen-demo', { toRevision: 8 });
      expect(server!.patches().map(({ body }) => body)).toEqual([
        [{ op: 'replace', path: '/spec/template', value: templateOf('bluegreen-demo-746d5fddf6') }],
      ]);
      expect(
        (templateOf('bluegreen-demo-746d5fddf6') as { spec: { containers: { image: string }[] } }).spec.containers[0]!
          .image,
      ).toBe('argoproj/rollouts-demo:red');
      await expect(kube.undo('bluegreen-demo', { toRevision: 99 })).rejects.toThrow(
        /unable to find specified revision 99/,
      );
      expect(server!.patches()).toHaveLength(1);
    });

    it('undo: skips, patching nothing, when the template already matches the revision', async () => {
      const kube = await target();
      expect(await kube.undo('bluegreen-demo', { toRevision: 11 })).toBe(
        'skipped rollback (current template already matches revision 11)',
      );
      expect(server!.patches()).toEqual([]);
    });

    it('restart: sets spec.restartAt to now, in RFC 3339 seconds', async () => {
      const kube = await target();
      expect(await kube.restart('bluegreen-demo')).toBe("rollout 'bluegreen-demo' restarts in 0s");
      expect(server!.patches().map(({ path, contentType, body }) => ({ path, contentType, body }))).toEqual([
        {
          path: ROLLOUT_PATH,
          contentType: 'application/merge-patch+json',
          body: { spec: { restartAt: '2019-11-03T12:00:00Z' } },
        },
      ]);
    });

    it('names a missing rollout and an unknown context', async () => {
      const kube = await target();
      await expect(kube.get('nope')).rejects.toBeInstanceOf(RolloutNotFoundError);
      await expect(kube.abort('nope')).rejects.toThrow("rollout 'nope' not found in namespace 'jesse-test'");
      expect(() => createKubeTarget({ kubeconfig: kubeconfig(server!.url), context: 'prod' })).toThrow(
        KubeTargetUnavailableError,
      );
      expect(() => createKubeTarget({ kubeconfig: kubeconfig(server!.url), context: 'prod' })).toThrow(
        /context "prod" is not in the kubeconfig \(contexts: loopback\)/,
      );
    });

    it('lists the rollouts of the namespace (so the CLI may omit the name)', async () => {
      await target();
      const kube = createKubeTarget({ kubeconfig: kubeconfig(server!.url) });
      expect(await kube.list()).toEqual([{ view: { name: 'bluegreen-demo' } }]);
    });
  },
);
