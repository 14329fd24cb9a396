import { describe, expect, it } from 'vitest';
import { InvalidImageNameError } from './errors.ts';
import { parseImageReference } from './image-name.ts';

describe('parseImageReference', () => {
  it('reads the forms the engine meets', () => {
    expect(parseImageReference('123456789012.dkr.ecr.eu-west-1.amazonaws.com/quickship/payments:git-1a2b3c4')).toEqual({
      domain: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      path: 'quickship/payments',
      repository: 'payments',
      tag: 'git-1a2b3c4',
    });
    expect(parseImageReference('localhost:5000/payments')).toEqual({ domain: 'localhost:5000', path: 'payments', repository: 'payments', tag: 'latest' });
    expect(parseImageReference('quickship/payments:v1.2')).toEqual({ path: 'quickship/payments', repository: 'payments', tag: 'v1.2' });
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parseImageReference(`payments@${digest}`)).toEqual({ path: 'payments', repository: 'payments', digest });
  });

  it('rejects malformed references with the reason and the expected form', () => {
    for (const [image, why] of [
      ['Payments:v1', 'path component "Payments"'],
      ['payments:', 'tag ""'],
      ['payments:.v1', 'tag ".v1"'],
      ['payments@sha256:xyz', 'digest "sha256:xyz"'],
      ['a//payments', 'path component ""'],
      [' payments:v1', 'surrounding whitespace'],
    ] as const) {
      expect(() => parseImageReference(image)).toThrow(InvalidImageNameError);
      expect(() => parseImageReference(image)).toThrow(why);
    }
    expect(() => parseImageReference('Payments:v1')).toThrow(/e\.g\. "payments:git-1a2b3c4"/);
  });
});
