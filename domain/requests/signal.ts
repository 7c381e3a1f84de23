import { Actor } from '../actor';
import { Command } from '../base/commands';
import { FieldProblem } from '../errors';
import { TEXT_LIMITS } from '../limits';
import { requestSchemas } from './actions';
import { fieldProblems } from './problems';

type Read = { ok: true; cmd: Command } | { ok: false; problems: FieldProblem[] };

/**
 * A signalled command's body read by the schema its request would meet: its form as a request's
 * (text trimmed, an optional text sent empty left out, a round as text), or the fields at fault.
 * An operator types JSON by hand, and `"passed": "false"` is a string that reads as true.
 */
export function readSignalled(cmd: Command): Read {
  const { at, actor, commandId, via, ...body } = cmd as Command & Record<string, unknown>;
  // Built here, not shared: see requestSchemas. A signal is an operator's exception; a build is about 3 ms.
  const { parseAction, signalledObjectionSchema } = requestSchemas();
  const parsed = body.type === 'file_objection' ? signalledObjectionSchema.safeParse(body) : parseAction(body);
  if (!parsed.success) return { ok: false, problems: fieldProblems(parsed.error) };
  return { ok: true, cmd: { ...parsed.data, at, actor, commandId, ...(via ? { via } : {}) } as Command };
}

/** A signalled command as its request would carry it; one that is no request is left as sent, for admission to refuse. */
export function asRequested(cmd: Command): Command {
  const read = readSignalled(cmd);
  return read.ok ? read.cmd : cmd;
}

/** What a token's claims could not name: the sender's texts past the limits the claims are held to. */
export function actorProblems(actor: Partial<Actor> | undefined): FieldProblem[] {
  return (['sub', 'name', 'org', 'district'] as const).flatMap((k) => {
    const value = actor?.[k];
    const limit = TEXT_LIMITS[`actor.${k}`];
    return typeof value === 'string' && value.length > limit ? [{ path: `actor.${k}`, message: `at most ${limit} characters` }] : [];
  });
}
