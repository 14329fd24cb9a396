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

/**
 * Every node of a subtree, depth first (a node before its children, children in field order), with
 * its kind. A loop over an explicit stack, not a recursive generator: `quickship lint` walks every
 * statement, and a generator's yield* chain made V8 optimise it on a background thread for 14 ms,
 * which a short process waits for before it exits (bench:cli-startup).
 */
export function walk(value: unknown): [string, Node][] {
  const found: [string, Node][] = [];
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (!next || typeof next !== 'object') continue;
    let children: unknown[];
    if (Array.isArray(next)) children = next;
    else {
      const wrapped = unwrap(next);
      if (wrapped) found.push(wrapped);
      children = Object.values(wrapped ? wrapped[1] : (next as Node));
    }
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]);
  }
  return found;
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
