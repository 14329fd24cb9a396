import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDockerfile } from './dockerfile.ts';
import { DockerfileError } from './dockerfile-errors.ts';
import { bundleStep, imageConfig } from './image-config.ts';
import { commandSubstitutions, expandFields } from './shell-words.ts';

const REPO = resolve(import.meta.dirname, '../../../..');
const words = (step: ReturnType<typeof bundleStep>): string[] =>
  step.args.map((word) => word.map((part) => (part.kind === 'command' ? `$(${part.script})` : part.value)).join(''));

describe("the repository's Dockerfile", () => {
  const dockerfile = parseDockerfile(readFileSync(join(REPO, 'Dockerfile'), 'utf8'));

  it('gives the distroless runtime stage as the image config, GIT_COMMIT from the build arg', () => {
    expect(imageConfig(dockerfile, { GIT_COMMIT: 'abc123' })).toEqual({
      entrypoint: ['/nodejs/bin/node'],
      cmd: ['services/payments/dist/server.mjs'],
      workingDir: '/app',
      env: { GIT_COMMIT: 'abc123', NODE_ENV: 'production', NODE_OPTIONS: '--enable-source-maps', PORT: '3000' },
      user: '65532:65532',
    });
    // Without --build-arg, the ARG's default.
    expect(imageConfig(dockerfile).env.GIT_COMMIT).toBe('unknown');
  });

  it('finds the bundle step of the build stage, with its entry points, in the shared WORKDIR', () => {
    const step = bundleStep(dockerfile);
    expect(step).toMatchObject({ stage: 'build', workingDir: '/app' });
    expect(readFileSync(join(REPO, 'Dockerfile'), 'utf8').split('\n')[step.line - 1]).toMatch(
      /^RUN npx --no-install esbuild/,
    );
    const args = words(step);
    expect(args.slice(0, 3)).toEqual([
      'server=services/payments/src/server.ts',
      'migrate=services/payments/src/migrate-cli.ts',
      'smoke=services/payments/src/smoke/main.ts',
    ]);
    expect(args).toContain('--outdir=services/payments/dist');
    expect(args).toContain('--out-extension:.js=.mjs');
    // The `$(node -p …)` is kept as a script for the build to run, unquoted so its output splits.
    const [substitution] = commandSubstitutions(step.args);
    expect(substitution).toMatch(/^node -p "Object\.keys\(require\('\.\/services\/payments\/package\.json'\)/);
    expect(step.args.at(-1)).toEqual([{ kind: 'command', script: substitution, quoted: false }]);
    for (const [, source] of args.slice(0, 3).map((arg) => arg.split('=')))
      expect(existsSync(join(REPO, source!))).toBe(true);
  });
});

describe('imageConfig', () => {
  it('turns the shell form into [...SHELL, text] and lets ENTRYPOINT clear a CMD the stage did not set', () => {
    const config = imageConfig(
      parseDockerfile(
        `FROM base AS one\nCMD ["inherited"]\nFROM one\nSHELL ["/bin/bash", "-ec"]\nENTRYPOINT exec node \\\n  app.js\n`,
      ),
    );
    expect(config.entrypoint).toEqual(['/bin/bash', '-ec', 'exec node   app.js']);
    expect(config.cmd).toEqual([]);
    const kept = imageConfig(parseDockerfile(`FROM base\nCMD ["server.js"]\nENTRYPOINT ["node"]\n`));
    expect(kept).toMatchObject({ entrypoint: ['node'], cmd: ['server.js'] });
    const shell = imageConfig(parseDockerfile(`FROM base\nCMD node server.js\n`));
    expect(shell.cmd).toEqual(['/bin/sh', '-c', 'node server.js']);
  });

  it('reads ENV in both forms, substituting ARG and earlier ENV values as Docker does', () => {
    const config = imageConfig(
      parseDockerfile(
        [
          'ARG VERSION=1.0',
          'FROM node:${VERSION}',
          'ARG VERSION',
          'ARG NAME=app',
          'ENV A=one B="two words" C=${NAME}-$VERSION',
          'ENV D=$A E=${MISSING:-fallback} F=${NAME:+set}',
          'ENV A=changed G=$A',
          'ENV LEGACY value with  blanks',
          'ENV NAME=from-env',
          'ENV H=$NAME',
          'WORKDIR /srv',
          'WORKDIR ${NAME}/sub',
          'USER ${NAME}',
        ].join('\n'),
      ),
      { VERSION: '2.0', UNDECLARED: 'ignored' },
    );
    expect(config.env).toEqual({
      A: 'changed',
      B: 'two words',
      C: 'app-2.0', // the global ARG redeclared in the stage, with the build arg's value
      D: 'one',
      E: 'fallback',
      F: 'set',
      G: 'one', // every pair of one ENV sees the values before it
      LEGACY: 'value with  blanks',
      NAME: 'from-env',
      H: 'from-env', // ENV wins over an ARG of the same name
    });
    expect(config.workingDir).toBe('/srv/from-env/sub');
    expect(config.user).toBe('from-env');
  });

  it('does not see a global ARG in a stage that does not redeclare it, nor an earlier stage ARG', () => {
    const config = imageConfig(parseDockerfile('ARG G=global\nFROM a AS one\nARG S=stage\nFROM one\nENV X=[$G][$S]\n'));
    expect(config.env.X).toBe('[][]');
  });

  it('names the line of what it cannot read', () => {
    expect(() => imageConfig(parseDockerfile('FROM a\nENV =broken\n'))).toThrow(
      /line 2 ENV: "=broken" is not key=value/,
    );
    expect(() => imageConfig(parseDockerfile('FROM a\nSHELL /bin/sh -c\n'))).toThrow(DockerfileError);
  });
});

describe('bundleStep', () => {
  const build = (run: string, runtime = 'WORKDIR /app') =>
    parseDockerfile(
      `FROM node AS build\nWORKDIR /app\nARG TARGET=node20\n${run}\nFROM distroless\n${runtime}\nCMD ["x"]\n`,
    );

  it('accepts esbuild run directly or through npx, in exec or shell form, with $VAR from the stage', () => {
    expect(words(bundleStep(build('RUN esbuild a=src/a.ts --target=$TARGET "--define:X=\\"y z\\""')))).toEqual([
      'a=src/a.ts',
      '--target=node20',
      '--define:X="y z"',
    ]);
    expect(words(bundleStep(build('RUN ["npx", "--no-install", "esbuild", "a=src/a.ts"]')))).toEqual(['a=src/a.ts']);
  });

  it('refuses a step it would have to guess at', () => {
    expect(() => bundleStep(build('RUN echo no bundler here'))).toThrow(/has no bundle step/);
    expect(() => bundleStep(build('RUN npx esbuild a.ts'))).toThrow(/does not start with "npx --no-install esbuild"/);
    expect(() => bundleStep(build('RUN esbuild a.ts && rm -rf src'))).toThrow(/shell operator "&"/);
    expect(() => bundleStep(build('RUN esbuild a.ts\nRUN esbuild b.ts'))).toThrow(
      /2 RUN lines that run esbuild \(lines 4, 5\)/,
    );
    expect(() => bundleStep(build('RUN esbuild a.ts', 'WORKDIR /srv'))).toThrow(
      /runs in WORKDIR \/app but the final stage's WORKDIR is \/srv/,
    );
  });
});

describe('expandFields', () => {
  it('splits unquoted substitutions on blanks and keeps quoted ones whole, as sh does', () => {
    const [word] = bundleStep(parseDockerfile('FROM n AS b\nRUN esbuild pre$(x)post\nFROM r\nCMD ["y"]\n')).args as [
      never,
    ];
    expect(expandFields(word, [' a  b \n'])).toEqual(['pre', 'a', 'b', 'post']);
    expect(expandFields(word, [' a  b\n'])).toEqual(['pre', 'a', 'bpost']); // trailing newlines go first
    expect(expandFields(word, ['a b'])).toEqual(['prea', 'bpost']);
    const quoted = bundleStep(parseDockerfile('FROM n AS b\nRUN esbuild "$(x)"\nFROM r\nCMD ["y"]\n')).args[0]!;
    expect(expandFields(quoted, ['a  b\n\n'])).toEqual(['a  b']);
    expect(expandFields(quoted, [''])).toEqual(['']);
    const bare = bundleStep(parseDockerfile('FROM n AS b\nRUN esbuild $(x)\nFROM r\nCMD ["y"]\n')).args[0]!;
    expect(expandFields(bare, ['\n'])).toEqual([]);
  });
});
