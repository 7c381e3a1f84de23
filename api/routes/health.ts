import { Router } from 'express';
import { calendarAhead } from '../calendar-watch';
import { DependencyGate } from '../dependency-gate';
import { ApiDeps } from '../deps';

/**
 * Readiness also names the years a publicity window opened today could reach and which of them
 * have no schedule loaded, so that a monitor sees what the calendar watch logs. A missing year
 * leaves the API ready: only windows that reach it wait, until an admin loads it.
 */
export function healthRoutes(deps: Pick<ApiDeps, 'pool' | 'now'>, gate: DependencyGate): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    const checks = await gate.check();
    const ready = checks.postgres && checks.temporal;
    const calendar = checks.postgres ? await calendarAhead(deps).catch(() => undefined) : undefined;
    if (!ready) res.setHeader('Retry-After', '5');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks, ...(calendar && { calendar }) });
  });
  return r;
}
