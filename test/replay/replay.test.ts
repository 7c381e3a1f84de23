import { fromJson, loadFixtures, replayFailures } from '../support/replay';
import { PATHS } from '../support/paths';

// Bases live for years: today's workflow code must replay every recorded path exactly, or the
// running bases it describes would break. A change that fails here goes behind patched().
jest.setTimeout(120_000);

const fixtures = loadFixtures();

test('there is a recorded history for every path of a base\'s life', () => {
  expect(fixtures.map((f) => f.path).sort()).toEqual(Object.keys(PATHS).sort());
  expect(fixtures.some((f) => f.runs.length > 1)).toBe(true); // continue-as-new is among them
});

test('every recorded run replays against the current workflow code', async () => {
  const runs = fixtures.flatMap((f) => f.runs.map((r, i) => ({ name: `${f.path}#${i + 1}`, history: fromJson(r.history) })));
  expect(runs.length).toBeGreaterThanOrEqual(fixtures.length);
  expect(await replayFailures(runs)).toEqual([]);
});
