import { describe, expect, it } from 'vitest';
import type { ImageConfig } from '../core/image-config.ts';
import { containerArgv, ContainerPathError, expandReferences, NoContainerCommandError } from './command.ts';

// The payments image as the Dockerfile makes it.
const IMAGE: ImageConfig = {
  entrypoint: ['/nodejs/bin/node'],
  cmd: ['services/payments/dist/server.mjs'],
  workingDir: '/app',
  env: { NODE_ENV: 'production', PORT: '3000' },
  user: '65532:65532',
};
const local = { rootfs: '/builds/v1/rootfs', nodeBinary: '/usr/bin/node20' };

describe('containerArgv', () => {
  it("follows Kubernetes' four cases for command and args over ENTRYPOINT and CMD", () => {
    // Rollout (server): neither -> ENTRYPOINT + CMD.
    expect(containerArgv(IMAGE, {}, local)).toMatchObject({
      file: '/usr/bin/node20',
      args: ['services/payments/dist/server.mjs'],
    });
    // migrate Job: args only -> ENTRYPOINT + args.
    expect(containerArgv(IMAGE, { args: ['services/payments/dist/migrate.mjs'] }, local).args).toEqual([
      'services/payments/dist/migrate.mjs',
    ]);
    // command only -> command, CMD dropped.
    expect(containerArgv(IMAGE, { command: ['/bin/echo'] }, local)).toMatchObject({ file: '/bin/echo', args: [] });
    // both -> command + args.
    expect(containerArgv(IMAGE, { command: ['node', '-e'], args: ['1'] }, local)).toMatchObject({
      file: '/usr/bin/node20',
      args: ['-e', '1'],
    });
    // Empty lists count as unset (the CRI runtime checks the length).
    expect(containerArgv(IMAGE, { command: [], args: [] }, local).args).toEqual(['services/payments/dist/server.mjs']);
  });

  it('maps the WORKDIR to the rootfs and lays the container env over the image ENV', () => {
    expect(containerArgv(IMAGE, { env: { PORT: '8080', LOG_LEVEL: 'warn' } }, local)).toMatchObject({
      cwd: '/builds/v1/rootfs',
      env: { NODE_ENV: 'production', PORT: '8080', LOG_LEVEL: 'warn' },
    });
    expect(containerArgv(IMAGE, { workingDir: '/app/services/payments' }, local).cwd).toBe(
      '/builds/v1/rootfs/services/payments',
    );
    expect(containerArgv(IMAGE, { workingDir: 'services' }, local).cwd).toBe('/builds/v1/rootfs/services');
    expect(() => containerArgv(IMAGE, { workingDir: '/tmp' }, local)).toThrow(ContainerPathError);
    expect(() => containerArgv(IMAGE, { workingDir: '/tmp' }, local)).toThrow(
      /workingDir "\/tmp" is outside the image's WORKDIR \/app/,
    );
  });

  it('expands $(VAR) from the container env only, as the kubelet does', () => {
    const argv = containerArgv(
      IMAGE,
      { args: ['--url=$(TARGET_URL)', '$(NODE_ENV)', '$$(TARGET_URL)'], env: { TARGET_URL: 'http://x' } },
      local,
    );
    expect(argv.args).toEqual(['--url=http://x', '$(NODE_ENV)', '$(TARGET_URL)']);
  });

  it('refuses a container with nothing to run', () => {
    expect(() => containerArgv({ ...IMAGE, entrypoint: [], cmd: [] }, {}, local)).toThrow(NoContainerCommandError);
  });
});

describe('expandReferences', () => {
  it.each([
    ['$(A)-$(B)', 'a-$(B)'],
    ['$$(A)', '$(A)'],
    ['$$', '$'],
    ['$A', '$A'],
    ['$(A', '$(A'],
    ['tail$', 'tail$'],
  ])('%s -> %s', (input, output) => expect(expandReferences(input, { A: 'a' })).toBe(output));
});
