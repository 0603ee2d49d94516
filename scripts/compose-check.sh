#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Checks a Compose file the way `docker compose config` would, without a Docker engine: loads it with
# compose-go (schema validation, interpolation, depends_on and volume references) and prints the resolved
# project as JSON on stdout. Builds the checker on first use (scripts/lib/compose-check.sh).
#
#   bash scripts/compose-check.sh [--profile NAME]... [FILE]     FILE defaults to docker-compose.yml
#
# Exit 0: valid; 1: the file is invalid (the reason on stderr) or the checker could not be built; 2: bad usage.
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/versions.sh
source "$SCRIPT_DIR/lib/versions.sh"
# shellcheck source=lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/tools.sh
source "$SCRIPT_DIR/lib/tools.sh"
# shellcheck source=lib/compose-check.sh
source "$SCRIPT_DIR/lib/compose-check.sh"

# No FILE among the arguments (only --profile NAME pairs): check the repository's docker-compose.yml.
args=("$@")
has_file=0
for ((i = 0; i < $#; i++)); do
  case ${args[i]} in
    --profile) i=$((i + 1)) ;;
    -*) ;;
    *) has_file=1 ;;
  esac
done
if ((has_file == 0)); then args+=("$SCRIPT_DIR/../docker-compose.yml"); fi
mkdir -p -- "$TOOLS_DIR" "$BIN_DIR" "$LOG_DIR" "$GO_DIR"
tool_compose_check
exec "$BIN_DIR/compose-check" "${args[@]}"
