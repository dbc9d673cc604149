#!/bin/sh
# The image's entrypoint: execs the given command (gunicorn unless told otherwise), so the command
# itself receives the stop signal (compose.yaml adds `init: true`, a minimal init that forwards it).
#
# MIGRATE_ON_START=true first applies the migrations: for one container started on its own
# (`docker run -e MIGRATE_ON_START=true ...`). compose.yaml leaves it off and runs its one-shot
# `migrate` service before the others instead, so several workers never migrate at once.
set -eu

case "${MIGRATE_ON_START:-false}" in
  true | 1 | yes) python manage.py migrate --noinput ;;
  false | 0 | no | "") ;;
  *) echo "MIGRATE_ON_START must be true or false, not '$MIGRATE_ON_START'" >&2; exit 64 ;;
esac

exec "$@"
