import express, { Express } from 'express';
import { DomainError } from '../domain';
import { DependencyGate } from './dependency-gate';
import { addressHashOf } from './idempotency';
import { ApiDeps } from './deps';
import { postgresProblem, temporalProblem } from './dependency-errors';
import { fromBodyParserError, fromDomainError, fromHttpError, notFound, Problem, problemHandler } from './problem';
import { actionRoutes } from './routes/actions';
import { basesRoutes } from './routes/bases';
import { docsRoutes } from './routes/docs';
import { healthRoutes } from './routes/health';
import { historyRoutes } from './routes/history';
import { methodNotAllowed } from './method-not-allowed';
import { openApiDocument } from './openapi';
import { publicCors } from './public-cors';
import { referenceRoutes } from './routes/reference';
import { securityHeaders } from './security-headers';
import { serverTiming } from './server-timing';

function toProblem(err: unknown): Problem | undefined {
  if (err instanceof Problem) return err;
  if (err instanceof DomainError) return fromDomainError(err);
  return fromBodyParserError(err as never) ?? temporalProblem(err) ?? postgresProblem(err) ?? fromHttpError(err as never);
}

/** The chain of causes (gRPC codes included), which the stack alone does not show. */
function causesOf(err: unknown): { name?: string; code?: unknown; message?: string }[] {
  const chain = [];
  for (let e = (err as { cause?: unknown })?.cause; e && chain.length < 5; e = (e as { cause?: unknown }).cause) {
    const c = e as { name?: string; code?: unknown; message?: string };
    chain.push({ name: c.name, code: c.code, message: c.message });
  }
  return chain;
}

export function createApp(deps: ApiDeps): Express {
  const app = express();
  const gate = new DependencyGate(deps.pool, deps.gateway);
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.TRUST_PROXY);
  app.set('query parser', 'simple');
  app.use(serverTiming);
  app.use(securityHeaders);
  app.use(publicCors(deps.config.PUBLIC_ORIGINS));
  app.use(healthRoutes(deps, gate));
  // The served contract is also the list of routes whose other methods are 405.
  const doc = openApiDocument();
  app.use(docsRoutes(doc));
  app.use(referenceRoutes(deps));
  app.use(basesRoutes(deps, gate));
  app.use(actionRoutes(deps, gate));
  app.use(historyRoutes(deps));
  app.use(methodNotAllowed(doc.paths));
  app.use((req, _res, next) => next(notFound(`no route ${req.method} ${req.path}`)));
  app.use(
    problemHandler(
      toProblem,
      (p, req) => {
        if (p.status >= 500 || p.status === 401 || p.status === 403 || p.status === 429) {
          const a = req.actor;
          deps.log(p.status >= 500 ? 'warn' : 'info', 'request refused', {
            status: p.status,
            reason: p.detail,
            method: req.method,
            path: req.path,
            caller: a ? { sub: a.sub, role: a.role, org: a.org, district: a.district } : { address: addressHashOf(deps.config.jwtSecret, req.ip) },
          });
        }
      },
      (err, req) => deps.log('error', 'unexpected error', { method: req.method, path: req.path, error: String((err as Error)?.stack ?? err), causes: causesOf(err) }),
    ),
  );
  return app;
}
