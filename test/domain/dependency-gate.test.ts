import type { Pool } from 'pg';
import { DependencyGate } from '../../api/dependency-gate';
import type { TemporalGateway } from '../../api/temporal-gateway';

// What a decision waits for before it is sent: a dependency known down answers 503 at once, and
// under steady traffic nobody waits for a ping.
function gateWith(temporalUp: () => boolean) {
  const pings = { postgres: 0, temporal: 0 };
  const pool = {
    async connect() {
      pings.postgres += 1;
      return { query: async () => ({ rows: [] }), release() {} };
    },
  } as unknown as Pool;
  const gateway = {
    async ping() {
      pings.temporal += 1;
      await new Promise((r) => setTimeout(r, 5));
      if (!temporalUp()) throw new Error('14 UNAVAILABLE');
    },
  } as unknown as TemporalGateway;
  return { gate: new DependencyGate(pool, gateway), pings };
}

test('callers arriving while a ping is out share it', async () => {
  const { gate, pings } = gateWith(() => true);
  await Promise.all(Array.from({ length: 10 }, () => gate.require()));
  expect(pings).toEqual({ postgres: 1, temporal: 1 });
});

test('a change that went through stands for a ping: the next ones are sent without one', async () => {
  const { gate, pings } = gateWith(() => true);
  // The clock held still, so that a slow machine does not let the second of freshness run out.
  const clock = jest.spyOn(Date, 'now').mockReturnValue(Date.now());
  try {
    await gate.send(async () => 'decided');
    for (let i = 0; i < 5; i++) expect(await gate.send(async () => i)).toBe(i);
    expect(pings).toEqual({ postgres: 1, temporal: 1 });
  } finally {
    clock.mockRestore();
  }
});

test('a dependency that stopped answering: 503 once the last answer is a second old, and the change is not sent', async () => {
  let up = true;
  const { gate } = gateWith(() => up);
  await gate.send(async () => 'decided');
  up = false;
  const now = Date.now();
  const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 1500);
  try {
    const change = jest.fn(async () => 'decided');
    await expect(gate.send(change)).rejects.toMatchObject({ status: 503, detail: expect.stringMatching(/Temporal/) });
    expect(change).not.toHaveBeenCalled();
  } finally {
    clock.mockRestore();
  }
});
