import { Latencies } from '../../scripts/bench/stats';

// The bench's account of a phase's opening: which decisions were sent before the first base was through.
let now = 0;
beforeEach(() => jest.spyOn(performance, 'now').mockImplementation(() => now));
afterEach(() => jest.restoreAllMocks());

/** A decision sent at `sent` that took `ms`, recorded when its answer came. */
function answered(lat: Latencies, sent: number, ms: number) {
  now = sent + ms;
  lat.add(ms, 'x');
}

test('a decision counts to the opening by when it was sent, not when it was answered', () => {
  const lat = new Latencies();
  answered(lat, 0, 1100); // sent at once with the burst, answered after the first base was through
  answered(lat, 100, 50);
  answered(lat, 1200, 20);
  answered(lat, 1500, 30);
  const { before, after } = lat.splitAt(1000);
  expect(before).toEqual({ count: 2, p99Ms: 1100 });
  expect(after).toEqual({ count: 2, p99Ms: 30 });
});

test('with no base through, every decision is the opening and there is nothing after it', () => {
  const lat = new Latencies();
  answered(lat, 0, 40);
  answered(lat, 10, 60);
  const { before, after } = lat.splitAt(Infinity);
  expect(before).toEqual({ count: 2, p99Ms: 60 });
  expect(after.count).toBe(0);
  expect(after.p99Ms).toBeNaN();
});
