import { z } from 'zod';
import { FieldProblem } from '../errors';

type Issue = z.ZodError['issues'][number];

/**
 * A schema's refusal as the fields it names, as a 422 lists them: an unknown field by its own path,
 * one entry each, as a form maps errors to fields. `prefix` names where the fields were (a query, a
 * path); the body's own fields go without.
 */
export function fieldProblems(err: z.ZodError, prefix = '', messageOf: (i: Issue) => string = (i) => i.message): FieldProblem[] {
  const at = (path: PropertyKey[]) => [prefix, ...path.map(String)].filter(Boolean).join('.') || '(body)';
  return err.issues.flatMap((i) =>
    i.code === 'unrecognized_keys' ? i.keys.map((k) => ({ path: at([...i.path, k]), message: `unknown field: ${k}` })) : [{ path: at(i.path), message: messageOf(i) }],
  );
}
