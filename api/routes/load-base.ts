import { BaseState } from '../../domain';
import { getBaseKnowing, getBaseState } from '../../store/bases';
import { ApiDeps } from '../deps';
import { notFound } from '../problem';
import { idParam } from '../schemas/common';

/** 404 for an id that is malformed or unknown: both are "no such base" to the caller. */
async function found<T>(id: string, read: () => Promise<T | undefined>): Promise<T> {
  const value = idParam.safeParse(id).success ? await read() : undefined;
  if (value === undefined) throw notFound('no such base');
  return value;
}

export const loadBase = (deps: ApiDeps, id: string): Promise<BaseState> => found(id, () => getBaseState(deps.pool, id));

/** The base and whether `commandId` (a keyed request's) has already been applied to it; unkeyed, never. */
export async function loadBaseKnowing(deps: ApiDeps, id: string, commandId: string | undefined): Promise<{ state: BaseState; known: boolean }> {
  if (commandId === undefined) return { state: await loadBase(deps, id), known: false };
  return found(id, () => getBaseKnowing(deps.pool, id, commandId));
}
