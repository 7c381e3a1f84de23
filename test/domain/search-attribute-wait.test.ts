import type { Connection } from '@temporalio/client';
import { ensureSearchAttributes } from '../../runtime/search-attributes';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

// The worker's start against a server's answers, without a server: what it registers, and how long it holds off polling.
const ALL = Object.values(SEARCH_ATTRIBUTES).map((k) => k.name);
const grpcError = (code: number, message: string) => Object.assign(new Error(message), { code });

function server(o: { registered: string[]; countAnswers: (Error | undefined)[] }) {
  const calls = { added: [] as string[], counted: [] as string[] };
  const connection = {
    operatorService: {
      listSearchAttributes: async () => ({ customAttributes: Object.fromEntries(o.registered.map((n) => [n, 2])), systemAttributes: {} }),
      addSearchAttributes: async (req: { searchAttributes: Record<string, number> }) => void calls.added.push(...Object.keys(req.searchAttributes)),
    },
    workflowService: {
      countWorkflowExecutions: async (req: { query: string }) => {
        calls.counted.push(req.query);
        const answer = o.countAnswers.shift();
        if (answer) throw answer;
        return { count: 0 };
      },
    },
  } as unknown as Connection;
  return { connection, calls };
}

const notYet = () => grpcError(3, 'invalid query: BaseStage is not a valid search attribute');

test('a worker that registers the attributes polls only once the server accepts a query naming them all', async () => {
  const { connection, calls } = server({ registered: [], countAnswers: [notYet(), notYet()] });
  const told: string[][] = [];
  expect(await ensureSearchAttributes(connection, 'fresh', { onRegistered: (n) => told.push(n) })).toEqual(ALL);
  expect(calls.added).toEqual(ALL);
  expect(told).toEqual([ALL]);
  expect(calls.counted).toHaveLength(3);
  expect(calls.counted[2]).toBe(ALL.map((n) => `${n} IS NULL`).join(' AND '));
});

test('attributes already there: nothing registered, nothing waited for', async () => {
  const { connection, calls } = server({ registered: ALL, countAnswers: [] });
  expect(await ensureSearchAttributes(connection, 'default')).toEqual([]);
  expect([calls.added, calls.counted]).toEqual([[], []]);
});

test('the server still refusing the names at the deadline: the worker fails to start with its error', async () => {
  const { connection } = server({ registered: [], countAnswers: Array.from({ length: 50 }, notYet) });
  await expect(ensureSearchAttributes(connection, 'fresh', { usableWithinMs: 300 })).rejects.toThrow(/not a valid search attribute/);
});

test('a visibility store that cannot count: the worker polls without waiting; the server down: it fails at once', async () => {
  const cannotCount = server({ registered: [], countAnswers: [grpcError(12, 'unimplemented')] });
  await expect(ensureSearchAttributes(cannotCount.connection, 'fresh')).resolves.toEqual(ALL);
  const down = server({ registered: [], countAnswers: [grpcError(14, 'unavailable')] });
  await expect(ensureSearchAttributes(down.connection, 'fresh')).rejects.toThrow(/unavailable/);
});

describe('a connection that may not list or register attributes (Temporal Cloud with a namespace key)', () => {
  const cloud = (countAnswer?: Error) => {
    const { connection, calls } = server({ registered: [], countAnswers: countAnswer ? [countAnswer] : [] });
    const denied = grpcError(7, 'Request unauthorized');
    (connection as unknown as { operatorService: object }).operatorService = {
      listSearchAttributes: async () => Promise.reject(denied),
      addSearchAttributes: async () => Promise.reject(denied),
    };
    return { connection, calls };
  };

  test('starts when the server already knows every name, and registers nothing', async () => {
    const { connection, calls } = cloud();
    expect(await ensureSearchAttributes(connection, 'zz-bases.a1b2c')).toEqual([]);
    expect(calls.counted).toEqual([ALL.map((n) => `${n} IS NULL`).join(' AND ')]);
  });

  test('listing allowed but registering refused: the same check, and the same advice', async () => {
    const { connection } = server({ registered: ['BaseStage'], countAnswers: [notYet()] });
    (connection as unknown as { operatorService: { addSearchAttributes: unknown } }).operatorService.addSearchAttributes = async () =>
      Promise.reject(grpcError(7, 'Request unauthorized'));
    await expect(ensureSearchAttributes(connection, 'zz-bases.a1b2c')).rejects.toThrow(/tcld namespace search-attributes add/);
  });

  test('fails to start, saying how to create them, when one is missing', async () => {
    const { connection } = cloud(notYet());
    await expect(ensureSearchAttributes(connection, 'zz-bases.a1b2c')).rejects.toThrow(
      /tcld namespace search-attributes add --namespace zz-bases\.a1b2c --search-attribute "BaseStage=Keyword".*"PublicityEndsAt=Datetime".*"ApplicantName=Text"/,
    );
  });
});
