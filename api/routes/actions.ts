import { Router } from 'express';
import { ACTION_RULES, ActionCommand, ActionType, Actor, authorize, BaseView, admit, DomainError, formatInstant, isTerminal, objectionSchema, ObjectionCommand, parseAction, PersonCommand, shanghaiDate, toView } from '../../domain';
import { DecisionTarget, getBaseState } from '../../store/bases';
import { schedulesFrom } from '../../store/calendar';
import { stateAfterCommand } from '../../store/events';
import { requireActor } from '../auth';
import { isWorkflowClosed } from '../dependency-errors';
import { DependencyGate } from '../dependency-gate';
import { ApiDeps } from '../deps';
import { jsonBody } from '../json-body';
import { addressHashOf, checkIdempotencyKey, fingerprintOf, idFor, refuseReusedKey, sentIdempotencyKey } from '../idempotency';
import { conflict, fromZodError } from '../problem';
import { answerFromHistory, sendDecision } from '../record-decision';
import { rateLimitByBase } from '../rate-limit';
import { Steps, stepsOf } from '../server-timing';
import { loadDecisionTarget } from './load-base';

/**
 * A resend of a decision already made (its events are in the table) answers as the decision did,
 * from the event log, even after other decisions, without asking the workflow again: sent on, it
 * would stand in the history as a second accepted update (applying nothing), and the answer holds
 * even once the base has closed or its workflow has continued as new.
 */
async function answerOfMade(deps: ApiDeps, baseId: string, commandId: string, actor: Actor): Promise<BaseView | undefined> {
  const then = await stateAfterCommand(deps.pool, baseId, commandId);
  return then && toView(then, actor);
}

const closedBase = (stage: string) => conflict(`the base is ${stage}`, stage, []);

/**
 * The answer a decision gets without going to Temporal, if any: its own if it was made; a refusal
 * from a closed base, decided by the rules as the workflow would, so that a body they refuse is
 * 422 before the stage's 409 (the contract's order) here too.
 */
async function answerWithoutTemporal(deps: ApiDeps, base: DecisionTarget, cmd: ActionCommand): Promise<BaseView | undefined> {
  const made = base.known ? await answerOfMade(deps, base.id, cmd.commandId, cmd.actor) : undefined;
  if (made) return made;
  if (!isTerminal(base.stage)) return undefined;
  // Its key was sent before: the workflow may have taken that send before it closed, its write not
  // yet landed (the sender heard 503, the sweep has not come round): that is its answer, written now.
  const earlier = base.fingerprint !== undefined ? await answerFromHistory(deps, base.id, cmd.commandId, cmd.actor) : undefined;
  if (earlier) return earlier;
  const state = await getBaseState(deps.pool, base.id);
  try {
    if (state) admit(state, cmd);
  } catch (err) {
    // The stage's refusal in the same words as every other answer from a closed base.
    if (!(err instanceof DomainError && err.code === 'ILLEGAL_STAGE')) throw err;
  }
  throw closedBase(base.stage);
}

/**
 * Another decision closed the base while this one was on its way. That decision may not be in the
 * table yet (its API writes it after Temporal's answer): then the workflow's end tells the stage.
 */
async function closedMeanwhile(deps: ApiDeps, baseId: string, cmd: { commandId: string; actor: Actor }, err: unknown): Promise<BaseView> {
  if (!isWorkflowClosed(err)) throw err;
  const now = await getBaseState(deps.pool, baseId);
  if (now && isTerminal(now.stage)) {
    const made = await answerOfMade(deps, baseId, cmd.commandId, cmd.actor);
    if (made) return made;
    throw closedBase(now.stage);
  }
  const { stage } = await deps.gateway.closedView(baseId).catch(() => ({ stage: undefined }));
  if (stage && isTerminal(stage)) throw closedBase(stage);
  throw err;
}

export function actionRoutes(deps: ApiDeps, gate: DependencyGate): Router {
  const r = Router();
  const send = (baseId: string, cmd: PersonCommand, fingerprint: string | undefined, steps: Steps) =>
    gate
      .send(() => sendDecision(deps, baseId, { updateId: cmd.commandId, fingerprint }, cmd.actor, () => deps.gateway.act(baseId, cmd), steps))
      .catch((err) => closedMeanwhile(deps, baseId, cmd, err));
  /** A keyed request's body, checked against the body its key was first sent with, if it was sent. */
  const fingerprinted = (key: string | undefined, base: DecisionTarget, parsed: unknown) => {
    const fingerprint = fingerprintOf(key, parsed);
    refuseReusedKey(base.fingerprint, fingerprint);
    return fingerprint;
  };
  const json = jsonBody('100kb');

  r.post('/api/bases/:id/actions', requireActor(deps.config.tokens), json, async (req, res) => {
    const actor = req.actor!;
    const id = String(req.params.id);
    const key = sentIdempotencyKey(req);
    const commandId = `act-${idFor(key, 'act', id, actor.sub)}`;
    const steps = stepsOf(res);
    const base = await steps.time('read', () => loadDecisionTarget(deps, id, commandId, key !== undefined));
    const type = req.body?.type;
    if (typeof type === 'string' && Object.hasOwn(ACTION_RULES, type)) authorize(actor, type as ActionType, base.scope);
    checkIdempotencyKey(key);
    const parsed = parseAction(req.body);
    if (!parsed.success) throw fromZodError(parsed.error);
    const fingerprint = fingerprinted(key, base, parsed.data);
    const cmd = { ...parsed.data, actor, at: formatInstant(deps.now()), commandId, via: 'api' } as ActionCommand;
    const answered = await answerWithoutTemporal(deps, base, cmd);
    if (answered) return void res.json(answered);
    // The workflow computes the publicity window from these rather than look them up inside the decision.
    if (cmd.type === 'approve_candidate') cmd.calendar = await steps.time('calendar', () => schedulesFrom(deps.pool, shanghaiDate(cmd.at)));
    res.json(await send(base.id, cmd, fingerprint, steps));
  });

  r.post('/api/bases/:id/objections', rateLimitByBase(deps.config.OBJECTIONS_PER_MINUTE), json, async (req, res) => {
    const id = String(req.params.id);
    // The public has no account: the objector is named as given, the address only as a hash.
    const addressHash = addressHashOf(deps.config.jwtSecret, req.ip);
    // A resend with the same key (after a 503, say) is the same objection, filed once.
    const key = sentIdempotencyKey(req);
    const objectionId = idFor(key, 'objection', id, addressHash);
    const commandId = `objection-${objectionId}`;
    const steps = stepsOf(res);
    const base = await steps.time('read', () => loadDecisionTarget(deps, id, commandId, key !== undefined));
    checkIdempotencyKey(key);
    const parsed = objectionSchema.safeParse(req.body);
    if (!parsed.success) throw fromZodError(parsed.error);
    const fingerprint = fingerprinted(key, base, parsed.data);
    const cmd: ObjectionCommand = {
      type: 'file_objection',
      objectionId,
      ...parsed.data,
      actor: { sub: `public-${addressHash}`, name: parsed.data.name, role: 'public' },
      at: formatInstant(deps.now()),
      commandId,
      via: 'api',
    };
    if (base.known) return void res.status(201).json({ id: objectionId });
    // A resend of a key sent before may be of an objection the workflow took before the window
    // closed, its answer not yet written (the first send heard 503): the workflow knows it and
    // answers it again, where the read model would refuse it and leave it standing unseen. Any other
    // objection the read model refuses, key or no key, without a row or a call to Temporal.
    if (base.stage !== 'publicity' && base.fingerprint === undefined) throw conflict('objections are taken only during publicity', base.stage, []);
    await send(base.id, cmd, fingerprint, steps);
    res.status(201).json({ id: objectionId });
  });

  return r;
}
