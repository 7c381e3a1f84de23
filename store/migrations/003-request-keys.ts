// What each keyed request asked for, as a hash of its parsed body: the same Idempotency-Key sent
// with a different body is a client's mistake, refused, where it would otherwise be answered as
// the first request was and the second decision silently never made. Kept as long as the events.
export const sql = `
CREATE TABLE request_keys (
  base_id     text        NOT NULL,
  update_id   text        NOT NULL,
  fingerprint text        NOT NULL,
  first_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (base_id, update_id)
);
`;
