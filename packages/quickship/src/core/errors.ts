// Named errors of the pure core. Each names the offending value (with its field path) and the fix,
// so the CLI can print `error.message` as is. Verb refusals use VerbNotApplicableError (model.ts).
import { UserError } from '../errors.ts';

/** A manifest file that is not valid YAML/JSON. */
export class ManifestParseError extends UserError {
  override readonly code = 'Invalid';
  constructor(
    readonly file: string,
    readonly index: number,
    readonly line: number,
    reason: string,
  ) {
    super(
      `${file}: document ${index} (line ${line}) is not valid YAML/JSON: ${reason}. Fix the syntax and run \`quickship lint\` again.`,
    );
    this.name = 'ManifestParseError';
  }
}

/** A field that must be present is missing. */
export class MissingFieldError extends UserError {
  override readonly code = 'Invalid';
  constructor(
    readonly path: string,
    override readonly fix: string,
  ) {
    super(`${path}: Required value: ${fix}`);
    this.name = 'MissingFieldError';
  }
}

/** A field has a value of the wrong type or out of range. */
export class InvalidFieldError extends UserError {
  override readonly code = 'Invalid';
  constructor(
    readonly path: string,
    readonly value: unknown,
    override readonly fix: string,
  ) {
    super(`${path}: Invalid value: ${JSON.stringify(value) ?? 'undefined'}: ${fix}`);
    this.name = 'InvalidFieldError';
  }
}

/** The Rollout uses a strategy the local engine does not run (only blueGreen is). */
export class UnsupportedStrategyError extends UserError {
  override readonly code = 'Invalid';
  constructor(
    readonly path: string,
    readonly strategy: string,
  ) {
    super(
      `${path}: strategy "${strategy}" is not supported by the local engine; only spec.strategy.blueGreen runs locally. ` +
        `Use a blueGreen strategy (activeService, previewService) or deploy this Rollout to a cluster.`,
    );
    this.name = 'UnsupportedStrategyError';
  }
}

/** A field the local engine cannot run at all (it would change what runs), e.g. spec.workloadRef. */
export class UnsupportedFieldError extends UserError {
  override readonly code = 'Invalid';
  constructor(
    readonly path: string,
    override readonly fix: string,
  ) {
    super(`${path}: not supported by the local engine: ${fix}`);
    this.name = 'UnsupportedFieldError';
  }
}

/** A probe or hook port names a container port that does not exist. */
export class NamedPortNotFoundError extends UserError {
  override readonly code = 'Invalid';
  constructor(
    readonly path: string,
    readonly portName: string,
    readonly known: readonly string[],
  ) {
    super(
      `${path}: named port "${portName}" is not declared in the container's ports` +
        ` (declared: ${known.length > 0 ? known.map((k) => `"${k}"`).join(', ') : 'none'}). ` +
        `Add {name: ${portName}, containerPort: N} to ports or use a port number.`,
    );
    this.name = 'NamedPortNotFoundError';
  }
}

/** A container image reference that the Docker reference grammar rejects (kubelet: InvalidImageName). */
export class InvalidImageNameError extends UserError {
  override readonly code = 'Invalid';
  constructor(
    readonly reference: string,
    readonly reason: string,
  ) {
    super(
      `InvalidImageName: "${reference}": ${reason}. ` +
        `Use [registry/]repository[:tag][@sha256:<64 hex>], e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/quickship/payments:1.4.2.`,
    );
    this.name = 'InvalidImageNameError';
  }
}

/** Any of the errors above, located in its file: which object of which document failed to parse. */
export class ManifestObjectError extends UserError {
  override readonly code = 'Invalid';
  constructor(
    readonly file: string,
    readonly index: number,
    readonly kind: string,
    readonly objectName: string,
    override readonly cause: Error,
  ) {
    super(`${file} (document ${index}, ${kind} "${objectName || '<unnamed>'}"): ${cause.message}`);
    this.name = 'ManifestObjectError';
  }
}
