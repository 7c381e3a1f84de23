import { BaseState } from '../../domain';
import { getBaseKnowing, getBaseState } from '../../store/bases';
import { ApiDeps } from '../deps';
import { notFound } from '../problem';
import { idParam } from '../schemas/common';

/** 404 for an id that is malformed or unknown: both are "no such base" to the caller. */
export async function loadBase(deps: ApiDeps, id: string): Promise<BaseState> {
  if (!idParam.safeParse(id).success) throw notFound('no such base');
  const state = await getBaseState(deps.pool, id);
  if (!state) throw notFound('no such base');
  return state;
}

/** The base and whether `commandId` (a keyed request's) has already been applied to it; unkeyed, never. */
export async function loadBaseKnowing(deps: ApiDeps, id: string, commandId: string | undefined): Promise<{ state: BaseState; known: boolean }> {
  if (commandId === undefined) return { state: await loadBase(deps, id), known: false };
  if (!idParam.safeParse(id).success) throw notFound('no such base');
  const found = await getBaseKnowing(deps.pool, id, commandId);
  if (!found) throw notFound('no such base');
  return found;
}
