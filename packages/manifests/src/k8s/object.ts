// A rendered Kubernetes object: plain JSON after its model validated it. Builders return these
// with the file they belong in, so the layout is data and the writer stays thin.
import { SchemaValidationError } from '../errors.ts';

export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** One object and the file (relative to its environment's output folder) it is written to. */
export interface Placed {
  readonly file: string;
  readonly object: KubeObject;
}

interface Validatable {
  validate(): void;
  toJSON(): unknown;
}

/** Runs the model's schema validation and returns its JSON; a failure names the object and the field. */
export function validated(model: Validatable): KubeObject {
  const json = model.toJSON() as KubeObject;
  try {
    model.validate();
  } catch (error) {
    throw new SchemaValidationError(describe(json), error instanceof Error ? error.message : String(error));
  }
  return json;
}

export function describe(object: Pick<KubeObject, 'kind' | 'metadata'>): string {
  const ns = object.metadata.namespace ? `${object.metadata.namespace}/` : '';
  return `${object.kind} ${ns}${object.metadata.name}`;
}
