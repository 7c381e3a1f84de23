import net from 'node:net';

/**
 * How a cut looks to the clients behind the proxy: `reset` is a server that went away (every
 * connection reset, new ones refused at once); `blackhole` is a network that drops packets
 * (connections stay open and nothing answers, the case that makes clients hang).
 */
export type CutMode = 'reset' | 'blackhole';

export interface TcpProxy {
  /** The same URL with its host and port replaced by the proxy's. */
  urlThrough(url: string): string;
  cut(mode?: CutMode): void;
  restore(): void;
  close(): Promise<void>;
}

/**
 * A TCP relay between this project's processes and a server (PostgreSQL), so a test or the chaos
 * script can take the server away and give it back without touching the server itself.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let state: 'open' | CutMode = 'open';
  const pairs = new Set<[net.Socket, net.Socket | undefined]>();
  const held = new Set<net.Socket>();

  const drop = (s: net.Socket | undefined) => {
    if (!s || s.destroyed) return;
    s.resetAndDestroy();
  };

  const server = net.createServer((down) => {
    down.on('error', () => undefined);
    if (state === 'reset') return drop(down);
    if (state === 'blackhole') {
      held.add(down);
      down.pause();
      down.on('close', () => held.delete(down));
      return;
    }
    const up = net.connect(target.port, target.host);
    const pair: [net.Socket, net.Socket | undefined] = [down, up];
    pairs.add(pair);
    up.on('error', () => drop(down));
    const end = () => {
      pairs.delete(pair);
      drop(down);
      drop(up);
    };
    up.on('close', end);
    down.on('close', end);
    down.pipe(up);
    up.pipe(down);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;

  return {
    urlThrough(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    cut(mode = 'reset') {
      state = mode;
      for (const pair of [...pairs]) {
        const [down, up] = pair;
        if (mode === 'reset') {
          pairs.delete(pair);
          drop(down);
          drop(up);
        } else {
          // Bytes already on their way are lost, as on a broken link.
          down.unpipe();
          up?.unpipe();
          down.pause();
          up?.pause();
        }
      }
    },
    restore() {
      // Connections stalled by a blackhole are beyond saving (their peers have given up on them).
      for (const [down, up] of [...pairs]) {
        if (down.isPaused()) {
          drop(down);
          drop(up);
        }
      }
      for (const s of [...held]) drop(s);
      held.clear();
      state = 'open';
    },
    async close() {
      for (const [down, up] of pairs) {
        drop(down);
        drop(up);
      }
      for (const s of held) drop(s);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
