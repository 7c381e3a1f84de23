import { BaseState, TERMINAL_STAGES } from '../../domain';
import { dropOutstanding } from '../../store/outstanding';
import { DecisionTarget, getBaseState, readAndOwe } from '../../store/bases';
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

/** The base a decision is for, its outstanding row written unless the key was applied or the base is closed. */
export const loadDecisionTarget = (deps: ApiDeps, id: string, updateId: string, keyed: boolean): Promise<DecisionTarget> =>
  found(id, () => readAndOwe(deps.pool, id, updateId, keyed, TERMINAL_STAGES));

/** A refusal between that read and the send (403, 422, 409, 503) takes back the row the read wrote. */
export async function orTakeBack<T>(deps: ApiDeps, base: DecisionTarget, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (base.owed) await dropOutstanding(deps.pool, base.id, base.updateId).catch(() => undefined);
    throw err;
  }
}
