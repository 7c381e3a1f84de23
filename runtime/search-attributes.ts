import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

const INDEXED = temporal.api.enums.v1.IndexedValueType;
const TYPE = { KEYWORD: INDEXED.INDEXED_VALUE_TYPE_KEYWORD, DATETIME: INDEXED.INDEXED_VALUE_TYPE_DATETIME, TEXT: INDEXED.INDEXED_VALUE_TYPE_TEXT } as const;

/**
 * The workflow upserts these on every stage change; an unregistered one would fail its tasks
 * forever, so the worker registers what is missing before it polls (any server, not only dev).
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = { ...existing.customAttributes, ...existing.systemAttributes };
  const missing = Object.values(SEARCH_ATTRIBUTES).filter((k) => !(k.name in known));
  if (missing.length) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((k) => [k.name, TYPE[k.type as keyof typeof TYPE]])),
    });
  }
  return missing.map((k) => k.name);
}
