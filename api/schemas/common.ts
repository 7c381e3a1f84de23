import { z } from 'zod';
import { storable, STORABLE } from '../../domain';

export { storable, STORABLE };

export const idParam = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'a base id');
