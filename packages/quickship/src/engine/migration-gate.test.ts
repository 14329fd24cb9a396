// Which hook is the migration Job: the one whose container runs the image's migrate entry point,
// whatever the Job is called (the rendered deploy/apps/payments/migrate-job.yaml is the case in point).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../store/object.ts';
import { migrationJobImage } from './migration-gate.ts';

const deployed = parseAllDocuments(
  readFileSync(join(import.meta.dirname, '../../../../deploy/apps/payments/migrate-job.yaml'), 'utf8'),
)[0]!.toJS() as KubeObject;

function job(container: Record<string, unknown>, kind = 'Job'): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind,
    metadata: { name: 'anything' },
    spec: { template: { spec: { containers: [{ name: 'x', image: 'repo/app:1', ...container }] } } },
  } as KubeObject;
}

describe('migrationJobImage', () => {
  it('finds the rendered payments-migrate Job and its image', () => {
    expect(migrationJobImage(deployed)).toBe('123456789012.dkr.ecr.eu-west-1.amazonaws.com/quickship/payments:0.1.0');
  });
  it('recognises the entry point in command or args, under any Job name', () => {
    expect(migrationJobImage(job({ args: ['services/payments/dist/migrate.mjs'] }))).toBe('repo/app:1');
    expect(migrationJobImage(job({ command: ['node', 'services/payments/dist/migrate.mjs'] }))).toBe('repo/app:1');
  });
  it('leaves other hooks alone', () => {
    expect(migrationJobImage(job({ args: ['services/payments/dist/smoke.mjs'] }))).toBeUndefined();
    expect(migrationJobImage(job({ args: ['services/payments/dist/migrate.mjs'] }, 'CronJob'))).toBeUndefined();
  });
});
