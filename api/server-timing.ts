import { NextFunction, Request, Response } from 'express';

/**
 * How long one request spent in each step of a decision (reading the base, the outstanding row,
 * Temporal, the write), sent back as `Server-Timing`: a slow or refused decision shows its caller,
 * a browser's devtools and the bench where its time went, with no tracing system to run.
 */
export class Steps {
  private readonly done: string[] = [];

  async time<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.done.push(`${name};dur=${(performance.now() - t0).toFixed(1)}`);
    }
  }

  header(totalMs: number): string {
    return [...this.done, `total;dur=${totalMs.toFixed(1)}`].join(', ');
  }
}

/** Every response carries its time in the API (`total`) and the steps timed on its way. */
export function serverTiming(_req: Request, res: Response, next: NextFunction): void {
  const t0 = performance.now();
  const steps = new Steps();
  res.locals.steps = steps;
  // The header must be set before the status line goes out, whichever handler sends it.
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response, ...args: unknown[]) {
    if (!this.headersSent) this.setHeader('Server-Timing', steps.header(performance.now() - t0));
    return (writeHead as (...a: unknown[]) => Response).apply(this, args);
  } as Response['writeHead'];
  next();
}

export const stepsOf = (res: Response): Steps => (res.locals.steps as Steps | undefined) ?? new Steps();
