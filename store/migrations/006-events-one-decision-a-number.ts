// ON CONFLICT DO NOTHING keeps the first event written at a number, right for a retry of the same
// decision and silent loss for another's (a run reset in Temporal, or diverged from its history,
// decides anew at numbers already written). Refused before any row of the statement is written:
// its letters, the read model and the outstanding row it settles stay as they were.
export const sql = `
CREATE FUNCTION base_events_one_decision_a_number() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  held text;
BEGIN
  SELECT command_id INTO held FROM base_events WHERE base_id = NEW.base_id AND seq = NEW.seq;
  IF FOUND AND held <> NEW.command_id THEN
    RAISE EXCEPTION 'base %: the event log holds event % from command %, where run % decided command %; the log is left as written',
      NEW.base_id, NEW.seq, held, NEW.run_id, NEW.command_id
      USING ERRCODE = 'ZZ001';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER base_events_one_decision_a_number BEFORE INSERT ON base_events
  FOR EACH ROW EXECUTE FUNCTION base_events_one_decision_a_number();
`;
