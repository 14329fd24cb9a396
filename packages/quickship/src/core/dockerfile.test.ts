import { describe, expect, it } from 'vitest';
import { parseDockerfile } from './dockerfile.ts';

describe('parseDockerfile', () => {
  it('joins continuations, skips comments inside them, and reads flags and stage names', () => {
    const dockerfile = parseDockerfile(
      [
        '# syntax=docker/dockerfile:1',
        '# a comment',
        'from node:24 as Build',
        'run echo one \\',
        '# a comment inside the continuation',
        '',
        '    two \\  ',
        '    three',
        'FROM gcr.io/distroless/nodejs24',
        'COPY --from=build --chown=1:1 /app/dist ./dist',
      ].join('\n'),
    );
    expect(dockerfile.stages.map((s) => [s.name, s.from, s.line])).toEqual([
      ['build', 'node:24', 3],
      [undefined, 'gcr.io/distroless/nodejs24', 9],
    ]);
    expect(dockerfile.stages[0]!.instructions[0]).toEqual({
      keyword: 'RUN',
      flags: {},
      text: 'echo one     two     three',
      line: 4,
    });
    expect(dockerfile.stages[1]!.instructions[0]).toMatchObject({
      keyword: 'COPY',
      flags: { from: 'build', chown: '1:1' },
      text: '/app/dist ./dist',
    });
  });

  it('tells the exec form (a JSON array of strings) from the shell form', () => {
    const [stage] = parseDockerfile('FROM a\nCMD ["node", "s.mjs"]\nCMD [node, s.mjs]\nENTRYPOINT ["a", 1]\n').stages;
    expect(stage!.instructions.map((i) => i.exec)).toEqual([['node', 's.mjs'], undefined, undefined]);
    expect(stage!.instructions[1]!.text).toBe('[node, s.mjs]');
  });

  it('honours the escape directive and substitutes global ARGs in FROM', () => {
    const dockerfile = parseDockerfile('# escape=`\nARG BASE=node:20\nFROM ${BASE} AS b\nRUN echo a `\n  b\\c\n');
    expect(dockerfile.escape).toBe('`');
    expect(dockerfile.stages[0]!.from).toBe('node:20');
    expect(dockerfile.stages[0]!.instructions[0]!.text).toBe('echo a   b\\c');
  });

  it('refuses what it would misread, naming the line', () => {
    expect(() => parseDockerfile('RUN echo\nFROM a\n')).toThrow(/line 1: RUN before the first FROM/);
    expect(() => parseDockerfile('FROM a\nRUN <<EOF\necho\nEOF\n')).toThrow(/line 2: RUN uses a heredoc/);
    expect(() => parseDockerfile('# only a comment\n')).toThrow(/has no FROM line/);
    expect(() => parseDockerfile('FROM a b c d\n')).toThrow(/line 1: FROM a b c d is not "image \[AS name\]"/);
  });
});
