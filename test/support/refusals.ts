import { Pool } from 'pg';

/**
 * PostgreSQL refuses every row one base would add to `table` (a trigger stands in for a constraint,
 * a full disk), until the returned function takes the trigger away.
 */
export async function refuseInserts(pool: Pool, table: string, baseId: string): Promise<() => Promise<void>> {
  const name = `refuse_${table}_${baseId.replace(/\W/g, '_')}`;
  await pool.query(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'refused for the test' USING ERRCODE = 'check_violation'; END $$`);
  await pool.query(`CREATE TRIGGER ${name} BEFORE INSERT ON ${table} FOR EACH ROW
    WHEN (NEW.base_id = '${baseId}') EXECUTE FUNCTION ${name}()`);
  return async () => {
    await pool.query(`DROP TRIGGER ${name} ON ${table}; DROP FUNCTION ${name}()`);
  };
}
