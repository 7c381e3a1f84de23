#!/bin/sh
# The namespace and its search attributes, as scripts/cluster/start-server.mjs does natively:
# retention long enough for an audit trail, closed histories archived to the filesystem volume.
# The attribute names are the ones in workflows/search-attributes.ts. Safe to run again.
set -eu

# The address resolved once, as Temporal's own compose samples do: the CLI has been seen to
# fail on the service name itself.
host=${TEMPORAL_ADDRESS%:*}
port=${TEMPORAL_ADDRESS##*:}
ip=$(getent ahosts "${host}" | grep STREAM | awk 'NR == 1 { print $1 }')
address="${ip:-${host}}:${port}"
ns="${TEMPORAL_NAMESPACE}"
retention="$((TEMPORAL_RETENTION_DAYS * 24))h"
t() { temporal "$@" --address "${address}"; }

until t operator cluster health >/dev/null 2>&1; do echo "waiting for ${address}"; sleep 2; done

if t operator namespace describe --namespace "${ns}" >/dev/null 2>&1; then
  echo "namespace ${ns}: setting retention ${retention}"
  t operator namespace update --namespace "${ns}" --retention "${retention}"
else
  echo "namespace ${ns}: creating (retention ${retention}, history archived to ${ARCHIVAL_URI})"
  t operator namespace create --namespace "${ns}" --retention "${retention}" \
    --history-archival-state enabled --history-uri "${ARCHIVAL_URI}"
fi

# A namespace reaches every service through a registry refreshed every few seconds.
until t operator search-attribute list --namespace "${ns}" >/dev/null 2>&1; do sleep 2; done
existing=$(t operator search-attribute list --namespace "${ns}")
for attribute in BaseStage:Keyword BaseDistrict:Keyword BaseRating:Keyword PolicyVersion:Keyword PublicityEndsAt:Datetime ApplicantName:Text; do
  name=${attribute%%:*}
  if ! printf '%s\n' "${existing}" | grep -qw "${name}"; then
    echo "search attribute: adding ${name} (${attribute##*:})"
    t operator search-attribute create --namespace "${ns}" --name "${name}" --type "${attribute##*:}"
  fi
done
