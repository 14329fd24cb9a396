// The GitHub workflows, parsed: tests on every push, and a tag release that pushes to ECR through
// OIDC and hands the fully expanded image reference to `quickship release`. The release planner
// itself is run on the workflow's literal expression, to prove it would refuse it unexpanded.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { planRelease } from '../../packages/quickship/src/release/plan.ts';
import { UnexpandedImageReferenceError } from '../../packages/quickship/src/release/errors.ts';

interface Step {
  readonly id?: string;
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}
interface Job {
  readonly permissions?: Record<string, string>;
  readonly steps: readonly Step[];
  readonly env?: Record<string, string>;
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions?: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const load = (name: string): Workflow =>
  parse(readFileSync(join(repo, '.github', 'workflows', name), 'utf8')) as Workflow;
const ci = load('ci.yml');
const release = load('release.yml');
const steps = (workflow: Workflow): Step[] => Object.values(workflow.jobs).flatMap((job) => [...job.steps]);
const permissionSets = (workflow: Workflow): Record<string, string>[] => [
  workflow.permissions ?? {},
  ...Object.values(workflow.jobs).map((job) => job.permissions ?? {}),
];

describe('workflows', () => {
  it('pin every action to a version tag or a full commit SHA, never a branch', () => {
    for (const step of [...steps(ci), ...steps(release)].filter((s) => s.uses)) {
      expect(step.uses, step.name).toMatch(/^[\w.-]+\/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
    }
  });

  it('ci: runs the CI entry point with Node.js 20 on every push, with read-only permissions', () => {
    expect(Object.keys(ci.on)).toContain('push');
    expect(ci.on.push ?? null).toBeNull(); // no branch/tag filter: every push
    const setupNode = steps(ci).find((step) => step.uses?.startsWith('actions/setup-node@'));
    expect(String(setupNode?.with?.['node-version'])).toBe('20');
    expect(steps(ci).some((step) => /\bbash \.ci\/run\b/.test(step.run ?? ''))).toBe(true);
    for (const permissions of permissionSets(ci)) {
      expect(permissions['id-token']).toBeUndefined();
      for (const level of Object.values(permissions)) expect(level).not.toBe('write');
    }
  });

  it('release: runs on v* tags only, and only its release job may request an OIDC token', () => {
    expect(release.on).toEqual({ push: { tags: ['v*'] } });
    expect(release.permissions).toEqual({});
    const withToken = Object.entries(release.jobs).filter(([, job]) => job.permissions?.['id-token'] === 'write');
    expect(withToken.map(([name]) => name)).toEqual(['release']);
    expect(release.jobs.release!.permissions).toEqual({ contents: 'write', 'id-token': 'write' });
  });

  it('release: assumes the AWS role through OIDC from a repository variable, with no stored keys', () => {
    const aws = steps(release).find((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    expect(aws?.with?.['role-to-assume']).toMatch(/^\$\{\{ vars\.[A-Z_]+ \}\}$/);
    expect(Object.keys(aws?.with ?? {})).not.toContain('aws-access-key-id');
    expect(JSON.stringify(release)).not.toMatch(/secrets\./);
    expect(steps(release).some((step) => step.uses?.startsWith('aws-actions/amazon-ecr-login@'))).toBe(true);
  });

  it('release: builds and pushes with docker, captures the digest, and releases the fully expanded reference from that step', () => {
    const all = steps(release);
    const build = all.find((step) => /\bdocker build\b/.test(step.run ?? '') && /\bdocker push\b/.test(step.run ?? ''));
    expect(build?.id).toBeTruthy();
    expect(build!.run).toMatch(/echo "ref=\$\{image\}@\$\{digest\}" >> "\$GITHUB_OUTPUT"/);
    expect(build!.run).toMatch(/sha256:\[0-9a-f\]\{64\}/); // the digest is checked before it is output

    const releaseStep = all.find((step) => /\bnpx quickship release\b/.test(step.run ?? ''));
    expect(releaseStep?.run).toContain('npx quickship release "$IMAGE_REF" --env eks');
    expect(releaseStep?.env?.IMAGE_REF).toBe(`\${{ steps.${build!.id}.outputs.ref }}`);
    expect(all.indexOf(build!)).toBeLessThan(all.indexOf(releaseStep!));
    const push = all.find((step) => /git push origin HEAD:main/.test(step.run ?? ''));
    expect(all.indexOf(releaseStep!)).toBeLessThan(all.indexOf(push!));
  });

  it('release: expressions reach scripts only through env (no ${{ }} inside run:, no script injection)', () => {
    for (const step of steps(release).filter((s) => s.run)) expect(step.run, step.name).not.toContain('${{');
  });

  it('quickship release refuses the workflow expressions themselves, had they not been expanded', () => {
    const releaseStep = steps(release).find((step) => /\bnpx quickship release\b/.test(step.run ?? ''))!;
    const literals = [releaseStep.env!.IMAGE_REF!, '$IMAGE_REF', '${REGISTRY}/${ECR_REPOSITORY}:${TAG}@${digest}'];
    const images = { eks: { payments: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/quickship/payments:v1.0.0' } };
    for (const reference of literals) {
      expect(() => planRelease({ reference, environment: 'eks', images }), reference).toThrow(
        UnexpandedImageReferenceError,
      );
    }
    // …and accepts what the build step outputs once expanded.
    const expanded = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/quickship/payments:v1.1.0@sha256:${'0'.repeat(64)}`;
    expect(planRelease({ reference: expanded, environment: 'eks', images }).changed).toBe(true);
  });
});
