import express, { RequestHandler } from 'express';

/**
 * Reads a JSON body up to `limit`. Any well-formed JSON is read, `null` and bare strings too, so that
 * the route's schema refuses what is not an object with a 422 naming what it expected: the contract
 * keeps 400 for text that is not JSON at all.
 */
export const jsonBody = (limit: string): RequestHandler => express.json({ limit, strict: false });
