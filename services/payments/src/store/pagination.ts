// Stripe-style cursor pagination: newest first, `starting_after=<id>` continues after that object,
// `has_more` says whether another page exists. The order is the insertion sequence (seq).
import { InvalidRequestError } from '../domain/errors.ts';
import type { Queryable } from '../db/transaction.ts';

export interface PageRequest {
  readonly limit: number;
  readonly startingAfter?: string;
}

export interface Page<T> {
  readonly data: T[];
  readonly has_more: boolean;
}

interface ListQuery {
  readonly table: 'payments' | 'refunds';
  readonly columns: string;
  /** SQL condition over $1..$n scoping the list (merchant, and payment for refunds). */
  readonly scope: string;
  readonly scopeValues: readonly unknown[];
  readonly statementName: string;
}

export async function listNewestFirst<Row extends object>(
  db: Queryable,
  query: ListQuery,
  page: PageRequest,
): Promise<Page<Row>> {
  const values: unknown[] = [...query.scopeValues];
  let cursor = '';
  let name = query.statementName;
  if (page.startingAfter !== undefined) {
    const { rows } = await db.query<{ seq: string }>(
      `SELECT seq FROM ${query.table} WHERE ${query.scope} AND id = $${values.length + 1}`,
      [...values, page.startingAfter],
    );
    const seq = rows[0]?.seq;
    if (seq === undefined) {
      throw new InvalidRequestError(
        'resource_missing',
        `starting_after: no such object: '${page.startingAfter}'`,
        'starting_after',
      );
    }
    values.push(seq);
    cursor = ` AND seq < $${values.length}`;
    name += '-after';
  }
  values.push(page.limit + 1);
  const { rows } = await db.query<Row>({
    name,
    text: `SELECT ${query.columns} FROM ${query.table} WHERE ${query.scope}${cursor} ORDER BY seq DESC LIMIT $${values.length}`,
    values,
  });
  return { data: rows.slice(0, page.limit), has_more: rows.length > page.limit };
}
