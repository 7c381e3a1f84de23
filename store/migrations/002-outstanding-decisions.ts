// A decision the API has sent to a workflow and not yet written: the API writes what the update
// answers, and this row says, until then, that an answer may be owed. A sweep finishes rows whose
// API died or lost PostgreSQL in between, from the workflow's history.
export const sql = `
CREATE TABLE outstanding_decisions (
  base_id    text        NOT NULL,
  update_id  text        NOT NULL,
  sent_at    timestamptz NOT NULL DEFAULT now(),
  checked_at timestamptz,
  PRIMARY KEY (base_id, update_id)
);
CREATE INDEX outstanding_decisions_sent ON outstanding_decisions (sent_at);
`;
