import net from 'node:net';

export interface RawReply {
  /** The status of the first response line, if the server sent one. */
  status?: number;
  head: string;
  /** The server said nothing within the deadline and kept the connection open. */
  hung: boolean;
}

/**
 * Sends bytes as they are, for requests no HTTP client would produce (broken framing, bytes
 * where the grammar forbids them), and reads what comes back until the server closes.
 */
export function rawRequest(port: number, bytes: Buffer, timeoutMs = 5000): Promise<RawReply> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1');
    let done = false;
    const finish = (hung: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const head = Buffer.concat(chunks).toString('latin1').split('\r\n\r\n')[0];
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      resolve({ status: m ? Number(m[1]) : undefined, head, hung: hung && chunks.length === 0 });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    socket.on('data', (d) => {
      chunks.push(d);
      // One response is all that is asked for; a kept-alive connection need not be waited out.
      if (/\r\n\r\n/.test(Buffer.concat(chunks).toString('latin1'))) setTimeout(() => finish(false), 50);
    });
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
    socket.on('connect', () => {
      socket.write(bytes);
      socket.end();
    });
  });
}
