import { BaseState } from '../../domain';
import { getBaseState } from '../../store/bases';
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
