#!/bin/sh
# Temporal's two databases on the compose PostgreSQL, as scripts/cluster/start-server.mjs does
# natively: create, set up at 0.0, then update to the image's versioned schema. Safe to run again.
# It also hands the archival volume to the server's user (uid 1000), since Docker creates it as root.
set -eu
: "${ARCHIVAL_DIR:=/etc/temporal/archival}" "${SCHEMA_DIR:=/etc/temporal/schema/postgresql/v12}"

chown 1000:1000 "${ARCHIVAL_DIR}"

for pair in "${DBNAME}:temporal" "${VISIBILITY_DBNAME}:visibility"; do
  db=${pair%%:*}
  schema=${pair##*:}
  echo "schema: ${db} (${schema})"
  set -- --plugin postgres12 --ep "${POSTGRES_SEEDS}" -p "${DB_PORT}" -u "${POSTGRES_USER}" --db "${db}"
  temporal-sql-tool "$@" create-database
  temporal-sql-tool "$@" setup-schema -v 0.0
  temporal-sql-tool "$@" update-schema -d "${SCHEMA_DIR}/${schema}/versioned"
done
