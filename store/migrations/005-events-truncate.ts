// Row triggers never fire on TRUNCATE: without a statement trigger of its own, one command would
// empty the permanent record that UPDATE and DELETE cannot touch.
export const sql = `
CREATE TRIGGER base_events_no_truncate BEFORE TRUNCATE ON base_events
  FOR EACH STATEMENT EXECUTE FUNCTION base_events_append_only();
`;
