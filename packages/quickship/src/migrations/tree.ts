// Small readers over libpg_query's JSON parse tree (PostgreSQL's node names and fields).
export type Node = Readonly<Record<string, unknown>>;

/** The single `{Kind: {...}}` wrapper libpg_query puts around a node, unwrapped. */
export function unwrap(value: unknown): [string, Node] | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const entries = Object.entries(value as Node);
  if (entries.length !== 1) return undefined;
  const [kind, node] = entries[0]!;
  return /^[A-Z]/.test(kind) && node && typeof node === 'object' ? [kind, node as Node] : undefined;
}

export function list(value: unknown): Node[] {
  return Array.isArray(value) ? (value as Node[]) : [];
}

/** `schema.table` or `table` of a RangeVar (names are already case-folded by the parser). */
export function relationName(relation: unknown): string {
  const rv = (relation ?? {}) as { schemaname?: string; relname?: string };
  return rv.schemaname && rv.schemaname !== 'public' ? `${rv.schemaname}.${rv.relname}` : String(rv.relname);
}

/** The strings of a `[{String: {sval}}]` name list, e.g. a qualified function or object name. */
export function names(value: unknown): string[] {
  return list(value).map((item) => String((unwrap(item)?.[1] as { sval?: string } | undefined)?.sval ?? ''));
}

/** Every node of a subtree, depth first, with its kind. */
export function* walk(value: unknown): Generator<[string, Node]> {
  if (Array.isArray(value)) {
    for (const item of value) yield* walk(item);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const wrapped = unwrap(value);
  if (wrapped) {
    yield wrapped;
    for (const child of Object.values(wrapped[1])) yield* walk(child);
    return;
  }
  for (const child of Object.values(value as Node)) yield* walk(child);
}

/** Does the statement run CONCURRENTLY (index build or drop, REINDEX, DETACH PARTITION)? */
export function isConcurrent(kind: string, node: Node): boolean {
  if (node.concurrent === true) return true;
  for (const [childKind, child] of walk({ [kind]: node })) {
    if (child.concurrent === true) return true;
    if (childKind === 'DefElem' && child.defname === 'concurrently') return true;
  }
  return false;
}
