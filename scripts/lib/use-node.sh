# shellcheck shell=bash
# Sourced by the project's scripts (test, demo, bench, with-node.sh): puts the project's Node.js first on PATH,
# installing the pinned one into the cache when the machine's node is older than package.json's "engines".
_use_node_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/versions.sh
source "$_use_node_dir/versions.sh"
# shellcheck source=scripts/lib/common.sh
source "$_use_node_dir/common.sh"
# shellcheck source=scripts/lib/node.sh
source "$_use_node_dir/node.sh"
unset _use_node_dir
node_use
