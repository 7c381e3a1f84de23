import { readFileSync } from 'node:fs';
import { Connection, ConnectionOptions } from '@temporalio/client';
import { NativeConnection, NativeConnectionOptions } from '@temporalio/worker';
import { Config } from './config';

function tls(c: Config) {
  // A client certificate, a private CA or an API key (Temporal Cloud) implies TLS; TEMPORAL_TLS=true
  // alone is TLS to a server whose certificate the system's roots already trust.
  const on = c.TEMPORAL_TLS ? c.TEMPORAL_TLS === 'true' : !!(c.TEMPORAL_TLS_CERT || c.TEMPORAL_TLS_CA || c.TEMPORAL_API_KEY);
  if (!on) return undefined;
  return {
    serverNameOverride: c.TEMPORAL_TLS_SERVER_NAME,
    serverRootCACertificate: c.TEMPORAL_TLS_CA ? readFileSync(c.TEMPORAL_TLS_CA) : undefined,
    clientCertPair: c.TEMPORAL_TLS_CERT ? { crt: readFileSync(c.TEMPORAL_TLS_CERT), key: readFileSync(c.TEMPORAL_TLS_KEY!) } : undefined,
  };
}

/** A client connection that connects on first use, so the API starts (and answers 503) without Temporal. */
export function clientConnection(c: Config): Connection {
  const options: ConnectionOptions = { address: c.TEMPORAL_ADDRESS, tls: tls(c), apiKey: c.TEMPORAL_API_KEY };
  return Connection.lazy(options);
}

export function workerConnection(c: Config): Promise<NativeConnection> {
  const options: NativeConnectionOptions = { address: c.TEMPORAL_ADDRESS, tls: tls(c), apiKey: c.TEMPORAL_API_KEY };
  return NativeConnection.connect(options);
}
