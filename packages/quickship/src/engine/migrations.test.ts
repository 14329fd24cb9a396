import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseDockerfile } from '../core/dockerfile.ts';
import { imageConfig } from '../core/image-config.ts';
import { containerArgv } from '../runtime/command.ts';
import { MIGRATE_ARGS } from './migrations.ts';

const REPO = resolve(import.meta.dirname, '../../../..');

interface Job {
  readonly spec: { readonly template: { readonly spec: { readonly containers: readonly { args?: string[] }[] } } };
}

describe('the local PreSync migration step', () => {
  it("runs the migrate Job's own args over the Dockerfile's ENTRYPOINT", () => {
    const job = parse(readFileSync(join(REPO, 'deploy/apps/payments/migrate-job.yaml'), 'utf8')) as Job;
    expect(MIGRATE_ARGS).toEqual(job.spec.template.spec.containers[0]!.args);
    const config = imageConfig(parseDockerfile(readFileSync(join(REPO, 'Dockerfile'), 'utf8')));
    const argv = containerArgv(config, { args: MIGRATE_ARGS }, { rootfs: '/build/rootfs', nodeBinary: '/local/node' });
    expect([argv.file, ...argv.args, argv.cwd]).toEqual([
      '/local/node',
      'services/payments/dist/migrate.mjs',
      '/build/rootfs',
    ]);
  });
});
