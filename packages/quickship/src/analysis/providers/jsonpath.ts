// The part of Kubernetes' JSONPath (k8s.io/client-go/util/jsonpath) web metrics use:
// `{$.data.ok}`, `{.items[0].value}`, `{$['a-b']}`, `{$}`. Filters, ranges, wildcards and
// recursive descent are refused with a message, never approximated.

export class UnsupportedJsonPathError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(
      `jsonPath ${JSON.stringify(path)}: ${reason}; the local web provider reads paths like {$.data.value} or {$.items[0].value}`,
    );
    this.name = 'UnsupportedJsonPathError';
  }
}

type Step = string | number;

export function parseJsonPath(path: string): Step[] {
  const trimmed = path.trim();
  const inner = trimmed.startsWith('{') && trimmed.endsWith('}') ? trimmed.slice(1, -1).trim() : trimmed;
  let rest = inner.startsWith('$') ? inner.slice(1) : inner;
  const steps: Step[] = [];
  while (rest.length > 0) {
    let m: RegExpExecArray | null;
    if ((m = /^\.([A-Za-z0-9_-]+)/.exec(rest))) steps.push(m[1] as string);
    else if ((m = /^\[(\d+)\]/.exec(rest))) steps.push(Number(m[1]));
    else if ((m = /^\['([^']*)'\]/.exec(rest)) || (m = /^\["([^"]*)"\]/.exec(rest))) steps.push(m[1] as string);
    else throw new UnsupportedJsonPathError(path, `cannot read "${rest}"`);
    rest = rest.slice(m[0].length);
  }
  return steps;
}

/** The value at the path, or undefined when it is not there ("result of jsonPath not found"). */
export function findJsonPath(data: unknown, path: string): unknown {
  let at: unknown = data;
  for (const step of parseJsonPath(path)) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string | number, unknown>)[step];
    if (at === undefined) return undefined;
  }
  return at;
}
