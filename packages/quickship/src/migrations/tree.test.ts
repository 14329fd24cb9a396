// walk() over real libpg_query parse trees: every node once, a node before its children, children
// in field order — the order the recursive version gave, which the rules' `some(...)` searches
// and isConcurrent rely on only for finding, not for position.
import { parse } from 'libpg-query';
import { describe, expect, it } from 'vitest';
import { isConcurrent, unwrap, walk, type Node } from './tree.ts';

/** The reference: the recursive depth-first walk, written plainly. */
function recursive(value: unknown, out: [string, Node][] = []): [string, Node][] {
  if (Array.isArray(value)) {
    for (const item of value) recursive(item, out);
    return out;
  }
  if (!value || typeof value !== 'object') return out;
  const wrapped = unwrap(value);
  if (wrapped) out.push(wrapped);
  for (const child of Object.values(wrapped ? wrapped[1] : (value as Node))) recursive(child, out);
  return out;
}

const SQL = [
  'CREATE INDEX CONCURRENTLY payments_merchant ON payments (merchant_id) WHERE status = $$captured$$',
  'ALTER TABLE payments ADD COLUMN note text DEFAULT now()::text, ADD CONSTRAINT c CHECK (amount > 0) NOT VALID',
  'UPDATE payments SET note = $$x$$ WHERE id IN (SELECT id FROM payments WHERE note IS NULL LIMIT 1000)',
  'REINDEX INDEX CONCURRENTLY payments_merchant',
].join(';\n');

describe('walk', () => {
  it('visits what the recursive walk visits, in the same order', async () => {
    const tree = (await parse(SQL)) as { stmts: { stmt: unknown }[] };
    for (const { stmt } of tree.stmts) {
      const kinds = walk(stmt).map(([kind]) => kind);
      expect(kinds).toEqual(recursive(stmt).map(([kind]) => kind));
      expect(kinds.length).toBeGreaterThan(1);
    }
    expect(walk(tree.stmts).map(([kind]) => kind)).toEqual(recursive(tree.stmts).map(([kind]) => kind));
  });

  it('puts a node before its children, children in field order', () => {
    const tree = { A: { first: { B: { x: 1 } }, second: [{ C: {} }, { D: { inner: { E: {} } } }] } };
    expect(walk(tree).map(([kind]) => kind)).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(walk([null, 3, 'text', []])).toEqual([]);
  });

  it('finds CONCURRENTLY wherever the statement keeps it', async () => {
    const tree = (await parse(SQL)) as { stmts: { stmt: unknown }[] };
    const concurrent = tree.stmts.map(({ stmt }) => {
      const [kind, node] = unwrap(stmt)!;
      return isConcurrent(kind, node);
    });
    expect(concurrent).toEqual([true, false, false, true]);
  });
});
