// How many sends of one keyed request are in flight (API instances, or a client's retries, each
// recording it before sending): a send the workflow refuses gives its row and its key back only
// when it was the last, so it cannot take them from a send of the same request the workflow took
// and whose API has not yet written, or died before writing, its answer.
export const sql = `
ALTER TABLE outstanding_decisions ADD COLUMN senders integer NOT NULL DEFAULT 1;
`;
