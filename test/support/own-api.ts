import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { createApp } from '../../api/app';
import { TemporalGateway } from '../../api/temporal-gateway';
import { loadConfig } from '../../runtime/config';
import { client, HttpClient } from './http';
import { Stack } from './stack';
import { temporalClient } from './temporal';

export interface OwnApi {
  api: HttpClient;
  /** The command ids of the decisions it sent to Temporal. */
  sent: string[];
  stop(): Promise<void>;
}

/** An API of its own, in this process, on a suite's servers: with other settings or another clock. */
export async function startOwnApi(stack: Pick<Stack, 'env' | 'pool'>, opts: { env?: Record<string, string>; now?: () => number }): Promise<OwnApi> {
  const config = loadConfig({ ...stack.env, ...opts.env });
  const temporal = await temporalClient();
  const gateway = new TemporalGateway(temporal, { taskQueue: config.TEMPORAL_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE, timeScale: config.TIME_SCALE, timeoutMs: config.REQUEST_TIMEOUT_MS });
  const sent: string[] = [];
  const act = gateway.act.bind(gateway);
  gateway.act = (baseId, cmd) => {
    sent.push(cmd.commandId);
    return act(baseId, cmd);
  };
  const server = createServer(createApp({ config, pool: stack.pool, gateway, log: () => undefined, now: opts.now ?? (() => Date.now()) }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    api: client(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    sent,
    stop: async () => {
      await new Promise((resolve) => server.close(resolve));
      await temporal.connection.close();
    },
  };
}

/** startOwnApi for the length of `use`. */
export async function withOwnApi(stack: Pick<Stack, 'env' | 'pool'>, opts: { env?: Record<string, string>; now?: () => number }, use: (api: HttpClient, sent: string[]) => Promise<void>): Promise<void> {
  const own = await startOwnApi(stack, opts);
  try {
    await use(own.api, own.sent);
  } finally {
    await own.stop();
  }
}
