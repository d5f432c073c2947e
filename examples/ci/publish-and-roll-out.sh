#!/usr/bin/env bash
# Publish a patch and roll it out with a plan, and fail closed: the steps that
# examples/ci/github-actions.yml and examples/ci/gitlab-ci.yml run, kept here so that
# packages/cli/test/ci/ runs exactly these steps against a real server and real agents.
#
# usage: publish-and-roll-out.sh NAME VERSION PATCH_DIR PLAN
#
#   NAME, VERSION   the patch (NAME@VERSION); publishing the same bytes again is a no-op, so a
#                   pipeline that is run again goes on to the rollout
#   PATCH_DIR       the patch folder: files/ mirrors the endpoint's managed root, and an optional
#                   patchcast.json adds hooks and a health check (`patchcast publish --help`)
#   PLAN            the rollout plan, YAML (docs/protocol/rollout-plan.md)
#
# Environment:
#   PATCHCAST_SERVER          the server, e.g. https://patch.example.org:8443
#   PATCHCAST_TOKEN           a publisher token (publishes and starts rollouts); make one with
#                             `patchcast token create --name ci --role publisher --expires 90d`
#   PATCHCAST_TARGETS_KEY     the targets key file's content (a CI secret), or
#   PATCHCAST_TARGETS_KEY_FILE  the path of that file (GitLab "file" variables are paths)
#   PATCHCAST_KEY_PASSPHRASE  the key file's passphrase, if it has one
#   PATCHCAST_CA              a CA certificate file to trust for the server (optional)
#   PATCH_BUILD               a command that builds PATCH_DIR first (optional)
#   OUT                       where the results go (default: patchcast-out): the bundle, and
#                             publish.json, rollout.json, rollout-id
#
# Exit status: 0 when the rollout completed with every device installed; otherwise the exit
# status of `patchcast rollout start --wait` (1 ended otherwise, 3 waits for an operator, 4 for
# offline devices, 5 for a maintenance window) or of the step that failed, after one line
# `error[CODE]: ...` on stderr saying why.
set -euo pipefail

if [ "$#" -ne 4 ]; then
  echo "usage: $0 NAME VERSION PATCH_DIR PLAN" >&2
  exit 2
fi
NAME=$1 VERSION=$2 PATCH_DIR=$3 PLAN=$4
OUT=${OUT:-patchcast-out}
: "${PATCHCAST_SERVER:?set PATCHCAST_SERVER to the server URL}"
: "${PATCHCAST_TOKEN:?set PATCHCAST_TOKEN to a publisher token}"
export PATCHCAST_SERVER PATCHCAST_TOKEN
mkdir -p "$OUT"

# 1. Build the patch folder.
if [ -n "${PATCH_BUILD:-}" ]; then
  echo "build: $PATCH_BUILD" >&2
  bash -c "$PATCH_BUILD"
fi

# 2. The bundle, kept with the pipeline's artifacts: content-addressed, so the same sources give
#    the same sha256 that publish uploads.
patchcast bundle "$PATCH_DIR" --name "$NAME" --version "$VERSION" \
  --out "$OUT/$NAME-$VERSION.tar" --json > "$OUT/bundle.json"

# 3. The targets key from the secret, in a file only this job can read, removed on exit.
KEY=${PATCHCAST_TARGETS_KEY_FILE:-}
if [ -z "$KEY" ]; then
  : "${PATCHCAST_TARGETS_KEY:?set PATCHCAST_TARGETS_KEY (the key file content) or PATCHCAST_TARGETS_KEY_FILE}"
  KEY=$(umask 077 && mktemp)
  trap 'rm -f "$KEY"' EXIT
  printf '%s\n' "$PATCHCAST_TARGETS_KEY" > "$KEY"
fi

# 4. Publish: sign targets metadata here (the key never reaches the server), upload.
patchcast publish "$PATCH_DIR" --name "$NAME" --version "$VERSION" --key "$KEY" --json \
  > "$OUT/publish.json"
echo "published $NAME@$VERSION" >&2

# 5. Roll out with the plan and wait. --wait ends when the rollout completes, or when it needs
#    someone (a pause, an approval gate), an offline device or a window: then this job fails
#    with the reason, and the rollout stays as it is for `patchcast rollout status ID`.
status=0
patchcast rollout start "$NAME@$VERSION" --plan "$PLAN" --wait --json > "$OUT/rollout.json" \
  || status=$?
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  process.stdout.write(typeof r.id === "string" ? r.id : "")' "$OUT/rollout.json" > "$OUT/rollout-id"
ID=$(cat "$OUT/rollout-id")
if [ "$status" -ne 0 ]; then
  echo "rollout ${ID:-(not started)} of $NAME@$VERSION did not complete (exit $status)" >&2
  exit "$status"
fi
echo "rollout $ID of $NAME@$VERSION completed" >&2
