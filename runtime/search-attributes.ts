import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { GRPC_STATUS, grpcCode } from './grpc-status';

const INDEXED = temporal.api.enums.v1.IndexedValueType;
const TYPE = { KEYWORD: INDEXED.INDEXED_VALUE_TYPE_KEYWORD, DATETIME: INDEXED.INDEXED_VALUE_TYPE_DATETIME, TEXT: INDEXED.INDEXED_VALUE_TYPE_TEXT } as const;

/**
 * The workflow upserts these on every stage change; an unregistered one would fail its tasks
 * forever, so the worker registers what is missing before it polls (any server, not only dev),
 * and waits until the server accepts them (see `untilUsable`).
 */
export async function ensureSearchAttributes(
  connection: Connection,
  namespace: string,
  { onRegistered = (_names: string[]) => {}, usableWithinMs = 120_000 } = {},
): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = { ...existing.customAttributes, ...existing.systemAttributes };
  const missing = Object.values(SEARCH_ATTRIBUTES).filter((k) => !(k.name in known));
  const names = missing.map((k) => k.name);
  if (missing.length) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((k) => [k.name, TYPE[k.type as keyof typeof TYPE]])),
    });
    onRegistered(names);
    await untilUsable(connection, namespace, names, usableWithinMs);
  }
  return names;
}

/**
 * Registering writes the names into the namespace, but the server checks a start or an upsert
 * against its cached copy of the namespace (refreshed every couple of seconds; the dev server
 * runs with that cache, docs/performance-runs.md, runs GJ-GL). A submission sent in between would be
 * refused, so the worker does not poll until a query naming the attributes is accepted.
 */
async function untilUsable(connection: Connection, namespace: string, names: string[], withinMs: number): Promise<void> {
  const query = names.map((n) => `${n} IS NULL`).join(' AND ');
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      await connection.workflowService.countWorkflowExecutions({ namespace, query });
      return;
    } catch (err) {
      const code = grpcCode(err);
      // A visibility store that cannot count cannot tell either: poll, as before there was a wait.
      if (code === GRPC_STATUS.UNIMPLEMENTED) return;
      if (code !== GRPC_STATUS.INVALID_ARGUMENT || Date.now() > deadline) throw err;
    }
    await sleep(250);
  }
}
