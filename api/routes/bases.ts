import { Router } from 'express';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { Actor, applicationSchema, applyEvents, BaseState, decide, DomainError, formatInstant, mayRead, scopeOf, STAFF_ROLES, SubmitCommand, toView } from '../../domain';
import { getBaseState, listBases } from '../../store/bases';
import { requireActor } from '../auth';
import { DependencyGate } from '../dependency-gate';
import { ApiDeps } from '../deps';
import { fingerprintOf, idempotencyKey, idFor } from '../idempotency';
import { jsonBody } from '../json-body';
import { forbidden, fromZodError } from '../problem';
import { listQuerySchema, sentParams } from '../schemas/queries';
import { sendDecision } from '../record-decision';
import { readyUpdateId } from '../../workflows/ids';
import { stepsOf } from '../server-timing';
import { loadBase } from './load-base';

export function basesRoutes(deps: ApiDeps, gate: DependencyGate): Router {
  const r = Router();
  const auth = requireActor(deps.config.tokens);
  const json = jsonBody('100kb');

  /**
   * A keyed resend of a submission that made its base is judged as the first send was, not again
   * today: an agreement expired since, or a stricter policy, must not refuse a base that exists.
   */
  const openedBy = async (cmd: SubmitCommand, keyed: boolean): Promise<BaseState> => {
    try {
      return applyEvents(undefined, decide(undefined, cmd)).state!;
    } catch (err) {
      const made = keyed && err instanceof DomainError && err.code === 'INELIGIBLE' ? await getBaseState(deps.pool, cmd.baseId) : undefined;
      if (!made) throw err;
      return made;
    }
  };

  r.post('/api/bases', auth, json, async (req, res) => {
    const actor = req.actor!;
    if (actor.role !== 'applicant') throw forbidden('only an applicant may apply');
    const claimed = req.body?.applicant?.creditCode;
    if (typeof claimed === 'string' && claimed.toUpperCase() !== actor.org) throw forbidden('an applicant may only apply for its own organisation');
    const parsed = applicationSchema.safeParse(req.body);
    if (!parsed.success) throw fromZodError(parsed.error);
    const key = idempotencyKey(req);
    const baseId = idFor(key, 'submit', actor.org!);
    const fingerprint = fingerprintOf(key, parsed.data);
    const cmd: SubmitCommand = {
      type: 'submit',
      baseId,
      policyVersion: deps.config.POLICY_VERSION,
      application: parsed.data,
      actor,
      at: formatInstant(deps.now()),
      commandId: `submit-${baseId}`,
      via: 'api',
    };
    // Eligibility and ownership answer before anything starts; the state it opens is what the run starts showing in Temporal's search.
    const opened = await openedBy(cmd, key !== undefined);
    const created = (view: unknown) => void res.status(201).location(`/api/bases/${baseId}`).json(view);
    // A keyed resend whose base has closed is answered from the read model: Temporal deletes a closed
    // run after the namespace's retention, and a start would then open a second run for it.
    // So is one whose start Temporal refuses because the closed run is still kept.
    const stored = async () => {
      const state = await getBaseState(deps.pool, baseId);
      return state && toView(state, actor);
    };
    const request = { updateId: readyUpdateId(cmd.commandId), fingerprint, ifClosed: async () => (await stored())! };
    try {
      created(await gate.send(() => sendDecision(deps, baseId, request, actor, () => deps.gateway.submit(cmd, opened), stepsOf(res))));
    } catch (err) {
      const existing = err instanceof WorkflowExecutionAlreadyStartedError ? await stored() : undefined;
      if (!existing) throw err;
      created(existing);
    }
  });

  r.get('/api/bases', auth, async (req, res) => {
    const actor: Actor = req.actor!;
    const sent = sentParams(req.query);
    // 403 before 422, as everywhere: who may not look hears so, whatever else the query says.
    // The contract gives the list to staff: an applicant reads its own base by the id its submission answered with.
    if (!STAFF_ROLES.includes(actor.role as never)) throw forbidden('the list is for staff; an applicant reads its own base at /api/bases/{id}');
    if (actor.role === 'district_officer' && sent.district !== undefined && sent.district !== actor.district) throw forbidden('a district officer sees only its own district');
    const q = listQuerySchema.safeParse(sent);
    if (!q.success) throw fromZodError(q.error, 'query');
    const filter = { ...q.data } as Parameters<typeof listBases>[1];
    if (actor.role === 'district_officer') filter.district = actor.district;
    const { total, states } = await listBases(deps.pool, filter);
    res.json({ items: states.map((s) => toView(s, actor)), total, page: filter.page, pageSize: filter.pageSize });
  });

  r.get('/api/bases/:id', auth, async (req, res) => {
    const state = await loadBase(deps, String(req.params.id));
    if (!mayRead(req.actor!, scopeOf(state))) throw forbidden('this base belongs to another district or organisation');
    res.json(toView(state, req.actor));
  });

  return r;
}
