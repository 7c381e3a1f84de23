/** Reads until `ok` holds and returns that reading; past `ms`, throws with `what` and the last one. */
export async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000, everyMs = 200): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`${what}: not reached in ${ms} ms (last: ${JSON.stringify(v)?.slice(0, 300)})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Reads for `ms` and throws at the first reading where `ok` fails: for something that must not
 * happen but that a lagging read (Temporal's visibility, say) would only show a moment late.
 */
export async function stays<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 3_000, everyMs = 250): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (!ok(v)) throw new Error(`${what}: broken after all (read: ${JSON.stringify(v)?.slice(0, 300)})`);
    if (Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
