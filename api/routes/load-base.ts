import { BaseState } from '../../domain';
import { DecisionTarget, getBaseState, getDecisionTarget } from '../../store/bases';
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

/** The base a decision is for, and whether a keyed command was already applied to it. */
export const loadDecisionTarget = (deps: ApiDeps, id: string, commandId: string, keyed: boolean): Promise<DecisionTarget> =>
  found(id, () => getDecisionTarget(deps.pool, id, commandId, keyed));
