import { Router } from 'express';
import { AUDIT_ROLES } from '../../domain';
import { assembleTrail } from '../../audit/assemble';
import { trailCsv } from '../../audit/csv';
import { runFacts } from '../../audit/temporal-history';
import { readEvents, readNotifications } from '../../store/events';
import { requireActor } from '../auth';
import { temporalProblem } from '../dependency-errors';
import { ApiDeps } from '../deps';
import { forbidden, fromZodError } from '../problem';
import { historyQuerySchema, sentParams } from '../schemas/queries';
import { loadBase } from './load-base';

export function historyRoutes(deps: ApiDeps): Router {
  const r = Router();
  r.get('/api/bases/:id/history', requireActor(deps.config.tokens), async (req, res) => {
    const state = await loadBase(deps, String(req.params.id));
    if (!AUDIT_ROLES.includes(req.actor!.role as never)) throw forbidden('the audit trail is for admins and the bureau');
    const q = historyQuerySchema.safeParse(sentParams(req.query));
    if (!q.success) throw fromZodError(q.error, 'query');
    const [held, events, notifications] = await Promise.all([
      // With Temporal unreachable the auditor still gets the trail, from the permanent event log.
      deps.gateway.histories(state.id).catch((err) => {
        if (temporalProblem(err)?.status !== 503) throw err;
        return undefined;
      }),
      readEvents(deps.pool, state.id),
      readNotifications(deps.pool, state.id),
    ]);
    const runs = held ?? [];
    const trail = assembleTrail(
      state.id,
      runs.map((run) => runFacts(run.runId, run.events)),
      { events, notifications },
    );
    if (q.data.format === 'csv') {
      // The file outlives the answer's headers: its name says it was made from the event log alone.
      res.type('text/csv; charset=utf-8').attachment(`base-${state.id}-history${held ? '' : '-degraded'}.csv`).send(trailCsv(trail));
    } else {
      res.json(held ? trail : { ...trail, degraded: 'Temporal is unreachable: every entry comes from the PostgreSQL event log' });
    }
  });
  return r;
}
