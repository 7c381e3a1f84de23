import { z } from 'zod';

export const idParam = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'a base id');
