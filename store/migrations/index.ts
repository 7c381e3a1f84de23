import * as initial from './001-initial';
import * as outstanding from './002-outstanding-decisions';
import * as requestKeys from './003-request-keys';
import * as outstandingSenders from './004-outstanding-senders';
import * as eventsTruncate from './005-events-truncate';
import * as oneDecisionANumber from './006-events-one-decision-a-number';

/** Applied in order, each once; never edit one that has shipped, add the next. */
export const MIGRATIONS: { id: string; sql: string }[] = [
  { id: '001-initial', sql: initial.sql },
  { id: '002-outstanding-decisions', sql: outstanding.sql },
  { id: '003-request-keys', sql: requestKeys.sql },
  { id: '004-outstanding-senders', sql: outstandingSenders.sql },
  { id: '005-events-truncate', sql: eventsTruncate.sql },
  { id: '006-events-one-decision-a-number', sql: oneDecisionANumber.sql },
];
