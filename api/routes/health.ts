import { Router } from 'express';
import { DependencyGate } from '../dependency-gate';

export function healthRoutes(gate: DependencyGate): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    const checks = await gate.check();
    const ready = checks.postgres && checks.temporal;
    if (!ready) res.setHeader('Retry-After', '5');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks });
  });
  return r;
}
