// Errors of the manifests package: each names the offending value and the fix, in the style of
// cdk8s ("'progressDeadline' (600s) must be greater than 'minReady' (0s)").

/** An environment's configuration breaks a rule the rendered objects depend on. */
export class EnvironmentInvariantError extends Error {
  constructor(
    readonly environment: string,
    message: string,
  ) {
    super(`environment "${environment}": ${message}`);
    this.name = 'EnvironmentInvariantError';
  }
}

/** packages/manifests/images.json is missing an entry or holds a reference we refuse to render. */
export class ImageReferenceError extends Error {
  constructor(message: string) {
    super(`${message} (edit packages/manifests/images.json, then run npm run render)`);
    this.name = 'ImageReferenceError';
  }
}

/** A rendered object does not validate against its schema (kubernetes-models, ajv). */
export class SchemaValidationError extends Error {
  constructor(
    readonly object: string,
    readonly detail: string,
  ) {
    super(`${object} does not match its schema: ${detail}`);
    this.name = 'SchemaValidationError';
  }
}

/** Two objects would be written to the same file, or one file name is not stable/safe. */
export class LayoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LayoutError';
  }
}
