import { createHash, randomUUID } from 'node:crypto';
import express, { Router } from 'express';
import { ACTION_RULES, ActionCommand, ActionType, authorize, formatInstant, isTerminal, ObjectionCommand, scopeOf } from '../../domain';
import { requireActor } from '../auth';
import { DependencyGate } from '../dependency-gate';
import { ApiDeps } from '../deps';
import { idempotencyKey, idFor } from '../idempotency';
import { conflict, fromZodError } from '../problem';
import { rateLimit } from '../rate-limit';
import { parseAction, objectionSchema } from '../schemas/actions';
import { loadBase } from './load-base';

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
    // A closed base's workflow has ended: the read model answers for it.
    if (isTerminal(state.stage)) throw conflict(`the base is ${state.stage}`, state.stage, []);
    const key = idempotencyKey(req);
    const cmd = {
      ...parsed.data,
      actor,
      at: formatInstant(deps.now()),
      commandId: `act-${idFor(key, 'act', state.id, actor.sub)}`,
    } as ActionCommand;
    await gate.require();
    res.json(await deps.gateway.act(state.id, cmd));
  });

  r.post('/api/bases/:id/objections', rateLimit(deps.config.OBJECTIONS_PER_MINUTE), json, async (req, res) => {
    const state = await loadBase(deps, String(req.params.id));
    const parsed = objectionSchema.safeParse(req.body);
    if (!parsed.success) throw fromZodError(parsed.error);
    const objectionId = randomUUID();
    // The public has no account: the objector is named as given, the address only as a hash.
    const addressHash = createHash('sha256').update(req.ip ?? '').digest('hex').slice(0, 12);
    const cmd: ObjectionCommand = {
      type: 'file_objection',
      objectionId,
      ...parsed.data,
      actor: { sub: `public-${addressHash}`, name: parsed.data.name, role: 'public' },
      at: formatInstant(deps.now()),
      commandId: `objection-${objectionId}`,
    };
    if (state.stage !== 'publicity') throw conflict('objections are taken only during publicity', state.stage, []);
    await gate.require();
    await deps.gateway.act(state.id, cmd);
    res.status(201).json({ id: objectionId });
  });

  return r;
}
