import { RequestHandler } from 'express';
import { Problem } from './problem';

/** `/api/bases/{id}` as a pattern that matches one path segment where the template has a parameter. */
const patternOf = (template: string) => new RegExp(`^${template.replace(/\{[^/}]+\}/g, '[^/]+')}/?$`, 'i');

/**
 * A known path asked with a method it does not take gets 405 and the methods it does take, as
 * RFC 9110 asks; unknown paths fall through to 404. The OpenAPI document is the one list of routes
 * and methods, so this cannot drift from what the routes serve without the document drifting too.
 */
export function methodNotAllowed(paths: Record<string, object>): RequestHandler {
  const routes = Object.entries(paths).map(([template, ops]) => {
    const methods = Object.keys(ops).map((m) => m.toUpperCase());
    if (methods.includes('GET')) methods.push('HEAD');
    return { pattern: patternOf(template), allow: methods.join(', ') };
  });
  return (req, _res, next) => {
    const route = routes.find((r) => r.pattern.test(req.path));
    if (!route) return next();
    next(new Problem(405, 'method-not-allowed', 'Method not allowed', `${req.method} is not served here; ${route.allow} are`, {}, { Allow: route.allow }));
  };
}
