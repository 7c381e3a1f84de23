import { PassThrough } from 'node:stream';
import { LogTimestamp } from '@temporalio/worker';
import { jsonLogger } from '../../runtime/log';
import { temporalLogger } from '../../runtime/temporal-log';

// Operators grep these lines and log shippers parse them: every entry one JSON object on one line.
function captured(level?: string) {
  const saved = process.env.LOG_LEVEL;
  if (level === undefined) delete process.env.LOG_LEVEL;
  else process.env.LOG_LEVEL = level;
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c) => chunks.push(String(c)));
  const log = jsonLogger('worker', out);
  if (saved === undefined) delete process.env.LOG_LEVEL;
  else process.env.LOG_LEVEL = saved;
  const lines = () => chunks.join('').split('\n').filter(Boolean);
  return { log, lines, entries: () => lines().map((l) => JSON.parse(l)) };
}

test('an error in a field is written with its message and stack, on one line', () => {
  const { log, lines, entries } = captured();
  log('error', 'persistence failed', { error: new Error('connection reset'), attempt: 3n });
  expect(lines()).toHaveLength(1);
  expect(entries()[0]).toMatchObject({
    level: 'error',
    component: 'worker',
    msg: 'persistence failed',
    attempt: '3',
    error: { name: 'Error', message: 'connection reset', stack: expect.stringContaining('connection reset') },
  });
});

test('LOG_LEVEL is the least severe level written', () => {
  const { log, entries } = captured('error');
  log('warn', 'dropped');
  log('error', 'kept');
  expect(entries().map((e) => e.msg)).toEqual(['kept']);
  const quiet = captured('warn');
  quiet.log('info', 'dropped');
  quiet.log('warn', 'kept');
  expect(quiet.entries().map((e) => e.msg)).toEqual(['kept']);
});

test('a value JSON cannot hold still leaves a line saying so', () => {
  const { log, entries } = captured();
  const loop: Record<string, unknown> = {};
  loop.self = loop;
  log('warn', 'odd', { loop });
  expect(entries()).toEqual([expect.objectContaining({ level: 'warn', msg: 'odd', unserializable: expect.stringContaining('circular') })]);
});

test("the SDK's messages come out as the same lines, at the time the SDK stamped them", () => {
  const { log, entries } = captured('debug');
  const sdk = temporalLogger(log);
  const at = Date.parse('2026-11-30T08:00:00.123Z');
  sdk.warn('signalled command refused', { sdkComponent: 'workflow', workflowId: 'base-1', [LogTimestamp]: BigInt(at) * 1_000_000n });
  sdk.trace('polling');
  sdk.log('ERROR', 'task failed', { error: new TypeError('bad') });
  expect(entries()).toEqual([
    expect.objectContaining({ time: '2026-11-30T08:00:00.123Z', level: 'warn', msg: 'signalled command refused', sdkComponent: 'workflow', workflowId: 'base-1' }),
    expect.objectContaining({ level: 'debug', msg: 'polling' }),
    expect.objectContaining({ level: 'error', msg: 'task failed', error: expect.objectContaining({ name: 'TypeError', message: 'bad' }) }),
  ]);
});
