import * as initial from './001-initial';

/** Applied in order, each once; never edit one that has shipped, add the next. */
export const MIGRATIONS: { id: string; sql: string }[] = [{ id: '001-initial', sql: initial.sql }];
