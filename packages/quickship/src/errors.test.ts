// One base class for every error a user can fix: the CLI and the API sort errors by `instanceof
// UserError` alone, so each named error of every layer must be one, and nothing else may pass.
import { describe, expect, it } from 'vitest';
import { reportError } from './cli/errors.ts';
import { toErrorBody } from './api/server.ts';
import { STATUS_OF } from './api/protocol.ts';
import { EngineApiError, EngineInternalError, EngineNotRunningError } from './api/errors.ts';
import { PortInUseError, RolloutNotFoundError, UserError, VerbNotApplicableError } from './errors.ts';
import * as core from './core/errors.ts';
import { BuildError, ImagePullError, TagImmutableError } from './runtime/errors.ts';
import { StateFileError } from './runtime/state-store.ts';
import { NoRolloutError, SeveralRolloutsError } from './engine/deploy.ts';
import { DeployDirNotFoundError } from './engine/deploy-source.ts';
import { MigrationFailedError } from './engine/migrations.ts';
import { InvalidSecretsFileError } from './engine/secrets.ts';
import {
  KubeApiError,
  KubeTargetUnavailableError,
  RolloutNotFoundError as KubeRolloutNotFoundError,
} from './kube/errors.ts';
import * as release from './release/errors.ts';
import { ReleaseGitError } from './release/git.ts';

function printed(error: unknown): { code: number; lines: string[] } {
  const lines: string[] = [];
  return { code: reportError(error, (line) => lines.push(line)), lines };
}

const everyNamedError: readonly Error[] = [
  new core.ManifestParseError('rollout.yaml', 0, 3, 'bad indentation'),
  new core.MissingFieldError('spec.selector', 'add spec.selector.matchLabels'),
  new core.InvalidFieldError('spec.replicas', -1, 'use 0 or more'),
  new core.UnsupportedStrategyError('spec.strategy', 'canary'),
  new core.UnsupportedFieldError('spec.workloadRef', 'inline the template'),
  new core.NamedPortNotFoundError('readinessProbe.httpGet.port', 'http', []),
  new core.InvalidImageNameError('$ACCOUNT_ID.dkr.ecr/payments:1', 'invalid character'),
  new core.ManifestObjectError('rollout.yaml', 0, 'Rollout', 'payments', new Error('x')),
  new ImagePullError('payments:9.9.9 has no build'),
  new TagImmutableError('v1', 'a'.repeat(40), 'b'.repeat(40)),
  new BuildError('unknown commit'),
  new StateFileError('state.json', 'not JSON'),
  new NoRolloutError('deploy/apps/payments'),
  new SeveralRolloutsError('deploy/apps/payments', ['a', 'b']),
  new DeployDirNotFoundError('deploy/nope'),
  new MigrationFailedError('payments:1', 'relation exists'),
  new InvalidSecretsFileError('.quickship/secrets.env', 'line 2 has no "="'),
  new PortInUseError('127.0.0.1:8080', '--active-port'),
  new RolloutNotFoundError("rollout 'x' not found", 'use `quickship status payments`'),
  new VerbNotApplicableError("rollout 'payments' is not paused"),
  new EngineNotRunningError('http://127.0.0.1:7070'),
  new EngineApiError('Conflict', 'taken'),
  new KubeTargetUnavailableError('context "prod" not found', 'kubectl config get-contexts'),
  new KubeApiError(403, 'patch rollouts/payments', 'forbidden'),
  new release.UnexpandedImageReferenceError('payments:latest', 'no digest'),
  new release.WrongImageRepositoryError('nginx:1', 'not payments', 'use the payments repository'),
  new release.UnknownEnvironmentError('prod', ['eks', 'local']),
  new release.LocalImageNotBuiltError('payments:v9', 'v9'),
  new release.DirtyReleaseFilesError(['deploy/apps/payments/rollout.yaml']),
  new release.ReleaseValidationError(['Rollout payments: spec.selector missing']),
  new release.ImagesFileError('packages/manifests/images.json is missing'),
  new ReleaseGitError(['commit'], 'nothing to commit'),
];

describe('UserError: one base class, checked with instanceof', () => {
  it.each(everyNamedError.map((e) => [e.name, e] as const))('%s is a UserError with an API code', (_name, error) => {
    expect(error).toBeInstanceOf(UserError);
    const { code } = error as UserError;
    expect(code).not.toBe('Internal');
    expect(STATUS_OF[code]).toBeGreaterThanOrEqual(400);
    expect(STATUS_OF[code]).toBeLessThan(600);
  });

  it('the Kubernetes target and the engine raise the same RolloutNotFoundError', () => {
    expect(KubeRolloutNotFoundError).toBe(RolloutNotFoundError);
    const error = RolloutNotFoundError.inNamespace('payments', 'shop');
    expect(error.message).toBe("rollout 'payments' not found in namespace 'shop'");
    expect(error.fix).toContain('-n shop');
    expect(toErrorBody(error).error.code).toBe('NotFound');
  });

  it("KubeApiError takes the API server's status as its code", () => {
    expect(new KubeApiError(403, 'patch', 'no').code).toBe('Forbidden');
    expect(new KubeApiError(409, 'patch', 'no').code).toBe('Conflict');
    expect(new KubeApiError(422, 'patch', 'no').code).toBe('Invalid');
    expect(new KubeApiError(418, 'patch', 'no').code).toBe('BadRequest');
  });
});

describe('the CLI: error + fix, exit 1; a bug prints its stack, exit 2', () => {
  it('prints a UserError with its fix and exits 1', () => {
    expect(printed(new DeployDirNotFoundError('deploy/nope'))).toEqual({
      code: 1,
      lines: [
        'error: deploy folder deploy/nope does not exist',
        '  fix: write the Rollout to deploy/apps/payments/rollout.yaml, or pass --dir <folder>',
      ],
    });
  });

  it('a UserError without a fix prints one line', () => {
    expect(printed(new VerbNotApplicableError("rollout 'payments' is already aborted"))).toEqual({
      code: 1,
      lines: ["error: rollout 'payments' is already aborted"],
    });
  });

  it('any other error is a bug, even one carrying a `fix` string or a user-error name', () => {
    const lookalike = Object.assign(new Error('boom'), { fix: 'do something', name: 'RolloutNotFoundError' });
    for (const error of [new TypeError("Cannot read properties of undefined (reading 'x')"), lookalike]) {
      const { code, lines } = printed(error);
      expect(code).toBe(2);
      expect(lines[0]).toMatch(/^internal error/);
      expect(lines[1]).toContain('    at ');
    }
    expect(printed(new EngineInternalError('x')).code).toBe(2);
  });
});

describe('the API: a UserError is its JSON error with its code; anything else is 500 Internal', () => {
  it('maps each code to its status', () => {
    const body = toErrorBody(new TagImmutableError('v1', 'a'.repeat(40), 'b'.repeat(40)));
    expect(body.error.code).toBe('Conflict');
    expect(STATUS_OF[body.error.code]).toBe(409);
    expect(toErrorBody(new VerbNotApplicableError('not paused'))).toEqual({
      error: { code: 'VerbNotApplicable', message: 'not paused' },
    });
    expect(toErrorBody(new PortInUseError('127.0.0.1:7070', '--api-port')).error).toMatchObject({
      code: 'Conflict',
      fix: 'stop the other engine, or pass --api-port <port>',
    });
  });

  it('answers Internal, without the fix, for an error that is not a UserError', () => {
    const log = console.error;
    console.error = () => {};
    try {
      const lookalike = Object.assign(new Error('boom'), { fix: 'x', name: 'VerbNotApplicableError' });
      expect(toErrorBody(lookalike)).toEqual({ error: { code: 'Internal', message: 'boom' } });
    } finally {
      console.error = log;
    }
  });
});
