import { createHash } from 'node:crypto';
import express, { Router } from 'express';
import { ACTION_RULES, ActionCommand, ActionType, Actor, authorize, BaseState, BaseView, formatInstant, isTerminal, ObjectionCommand, scopeOf, toView } from '../../domain';
import { getBaseState } from '../../store/bases';
import { hasCommand } from '../../store/events';
import { requireActor } from '../auth';
import { isWorkflowClosed } from '../dependency-errors';
import { DependencyGate } from '../dependency-gate';
import { ApiDeps } from '../deps';
import { idempotencyKey, idFor } from '../idempotency';
import { conflict, fromZodError } from '../problem';
import { rateLimit } from '../rate-limit';
import { parseAction, objectionSchema } from '../schemas/actions';
import { loadBase } from './load-base';

/**
 * While a base takes a request its workflow answers a retry itself (the update id, its recent
 * command ids). Past that — the base closed, or publicity over for an objection — only the event
 * table knows: a keyed retry of a request already applied is answered again, anything else is 409.
 */
async function answeredBefore(deps: ApiDeps, state: BaseState, commandId: string, keyed: boolean, refusal: string): Promise<void> {
  if (keyed && (await hasCommand(deps.pool, state.id, commandId))) return;
  throw conflict(refusal, state.stage, []);
}

/** Another decision closed the base while this one was on its way. */
async function closedMeanwhile(deps: ApiDeps, baseId: string, cmd: { commandId: string; actor: Actor }, err: unknown): Promise<BaseView> {
  const now = isWorkflowClosed(err) ? await getBaseState(deps.pool, baseId) : undefined;
  if (!now || !isTerminal(now.stage)) throw err;
  await answeredBefore(deps, now, cmd.commandId, true, `the base is ${now.stage}`);
  return toView(now, cmd.actor);
}

export function actionRoutes(deps: ApiDeps, gate: DependencyGate): Router {
  const r = Router();
  const json = express.json({ limit: '100kb' });

  r.post('/api/bases/:id/actions', requireActor(deps.config.jwtSecret), json, async (req, res) => {
    const actor = req.actor!;
    const state = await loadBase(deps, String(req.params.id));
    const type = req.body?.type;
    if (typeof type === 'string' && Object.hasOwn(ACTION_RULES, type)) authorize(actor, type as ActionType, scopeOf(state));
    const parsed = parseAction(req.body);
    if (!parsed.success) throw fromZodError(parsed.error);
    const key = idempotencyKey(req);
    const cmd = {
      ...parsed.data,
      actor,
      at: formatInstant(deps.now()),
      commandId: `act-${idFor(key, 'act', state.id, actor.sub)}`,
    } as ActionCommand;
    if (isTerminal(state.stage)) {
      await answeredBefore(deps, state, cmd.commandId, key !== undefined, `the base is ${state.stage}`);
      return void res.json(toView(state, actor));
    }
    await gate.require();
    res.json(await deps.gateway.act(state.id, cmd).catch((err) => closedMeanwhile(deps, state.id, cmd, err)));
  });

  r.post('/api/bases/:id/objections', rateLimit(deps.config.OBJECTIONS_PER_MINUTE), json, async (req, res) => {
    const state = await loadBase(deps, String(req.params.id));
    const parsed = objectionSchema.safeParse(req.body);
    if (!parsed.success) throw fromZodError(parsed.error);
    // The public has no account: the objector is named as given, the address only as a hash.
    const addressHash = createHash('sha256').update(req.ip ?? '').digest('hex').slice(0, 12);
    // A resend with the same key (after a 503, say) is the same objection, filed once.
    const key = idempotencyKey(req);
    const objectionId = idFor(key, 'objection', state.id, addressHash);
    const cmd: ObjectionCommand = {
      type: 'file_objection',
      objectionId,
      ...parsed.data,
      actor: { sub: `public-${addressHash}`, name: parsed.data.name, role: 'public' },
      at: formatInstant(deps.now()),
      commandId: `objection-${objectionId}`,
    };
    if (state.stage !== 'publicity') {
      await answeredBefore(deps, state, cmd.commandId, key !== undefined, 'objections are taken only during publicity');
      return void res.status(201).json({ id: objectionId });
    }
    await gate.require();
    await deps.gateway.act(state.id, cmd).catch((err) => closedMeanwhile(deps, state.id, cmd, err));
    res.status(201).json({ id: objectionId });
  });

  return r;
}
