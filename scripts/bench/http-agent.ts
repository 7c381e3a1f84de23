import http from 'node:http';
import type { Send } from '../../test/support/http';

/**
 * The bench's HTTP stack: node:http over kept-alive sockets. The load generator shares the
 * machine's cores with what it measures, and fetch (undici) spends about 0.4 ms more CPU a
 * request here (0.21-0.29 against 0.63-0.73 ms, measured on a bare echo server); bare's side
 * is driven by the gRPC client, not by fetch either.
 */
export function keptAlive(): Send {
  const agent = new http.Agent({ keepAlive: true });
  return (url, init) =>
    new Promise((resolve, reject) => {
      const req = http.request(url, { method: init.method, headers: init.headers, agent, signal: init.signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const headers = new Headers();
          for (let i = 0; i < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
          resolve({ status: res.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8') });
        });
      });
      req.on('error', reject);
      req.end(init.body);
    });
}
