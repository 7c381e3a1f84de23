import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { GRPC_STATUS, grpcCode } from './grpc-status';

const INDEXED = temporal.api.enums.v1.IndexedValueType;
/** A visibility query the server accepts only once it knows every one of `names`. */
const namingAll = (names: string[]) => names.map((n) => `${n} IS NULL`).join(' AND ');
/** A server that answers but will not let this connection list or register attributes. */
const NOT_ALLOWED = new Set<number>([GRPC_STATUS.PERMISSION_DENIED, GRPC_STATUS.UNIMPLEMENTED, GRPC_STATUS.UNAUTHENTICATED]);
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
  // Temporal Cloud serves no operator service to a namespace's key: the names are created with
  // tcld beforehand, and all that can be checked here is that the server knows every one.
  const orCheckKnown = async (err: unknown): Promise<undefined> => {
    if (!NOT_ALLOWED.has(grpcCode(err) ?? -1)) throw err;
    await knownToTheServer(connection, namespace, err);
    return undefined;
  };
  const existing = await connection.operatorService.listSearchAttributes({ namespace }).catch(orCheckKnown);
  if (!existing) return [];
  const known = { ...existing.customAttributes, ...existing.systemAttributes };
  const missing = Object.values(SEARCH_ATTRIBUTES).filter((k) => !(k.name in known));
  const names = missing.map((k) => k.name);
  if (missing.length) {
    let refused = false;
    await connection.operatorService
      .addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(missing.map((k) => [k.name, TYPE[k.type as keyof typeof TYPE]])),
      })
      .catch(async (err) => {
        await orCheckKnown(err);
        refused = true;
      });
    if (refused) return [];
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
  const query = namingAll(names);
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

/** The names this code upserts, as `tcld namespace search-attributes add` takes them. */
const tcldArgs = () => Object.values(SEARCH_ATTRIBUTES).map((k) => `--search-attribute "${k.name}=${k.type[0] + k.type.slice(1).toLowerCase()}"`).join(' ');

/** Where the attributes cannot be listed or registered: a query naming them all must be accepted. */
async function knownToTheServer(connection: Connection, namespace: string, cause: unknown): Promise<void> {
  const query = namingAll(Object.values(SEARCH_ATTRIBUTES).map((k) => k.name));
  try {
    await connection.workflowService.countWorkflowExecutions({ namespace, query });
  } catch (err) {
    if (grpcCode(err) !== GRPC_STATUS.INVALID_ARGUMENT) throw err;
    throw new Error(
      `namespace ${namespace} lacks search attributes this code sets, and this connection may not register them ` +
        `(${(cause as Error).message}). Create them first, on Temporal Cloud with: tcld namespace search-attributes add --namespace ${namespace} ${tcldArgs()}`,
      { cause: err },
    );
  }
}
