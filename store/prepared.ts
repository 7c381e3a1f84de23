import { createHash } from 'node:crypto';
import { QueryConfig } from 'pg';

/**
 * A statement PostgreSQL parses and plans once a connection instead of on every call (node-postgres
 * prepares a named statement the first time a connection sees it). On a decision's way, the read,
 * the outstanding row and the write, that was a third of the server's CPU (`npm run bench:pg`).
 * Only for statements whose plan does not hang on the values: a list's filters keep a plan of
 * their own each time.
 */
export function prepared(text: string, values: unknown[]): QueryConfig {
  // The name follows the text, so a statement built to a different shape is another statement.
  return { name: `zz_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`, text, values };
}
