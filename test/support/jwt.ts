import { createHmac } from 'node:crypto';

/** A JWT's part as it travels: JSON in base64url. */
export const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** Signs header and claims as given, nothing added: the tests' way to make the tokens the API must judge. */
export const sign = (hash: string, head: string, body: string, secret: string) =>
  `${head}.${body}.${createHmac(hash, secret).update(`${head}.${body}`).digest('base64url')}`;
