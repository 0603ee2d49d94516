#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR/..
# Installs what `npm run bench` needs beyond the services: pt-archiver (Debian package percona-toolkit, pinned)
# with its Perl MySQL driver, then checks that pt-archiver's driver reaches the local MariaDB as root.
#
#   bash bench/setup.sh     idempotent; a second run only checks
set -euo pipefail

BENCH_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/common.sh
source "$BENCH_DIR/../scripts/lib/common.sh"

# Debian 12 (bookworm) versions; `apt-cache policy percona-toolkit libdbd-mysql-perl` shows the candidates.
# percona-toolkit depends on libdbd-mysql-perl, which is pinned too so a later mirror update changes nothing.
PERCONA_TOOLKIT_VERSION=3.2.1-1
DBD_MYSQL_VERSION=4.050-5+b1
MARIADB_HOST=127.0.0.1
MARIADB_PORT=$((3306 + PORT_OFFSET))

# installed_version PKG: the installed Debian version of PKG, or nothing.
installed_version() {
  { dpkg-query -W -f='${Status} ${Version}\n' "$1" 2>/dev/null || true; } | awk '$3 == "installed" { print $4 }'
}

ensure_layout
wanted=()
for spec in "percona-toolkit=$PERCONA_TOOLKIT_VERSION" "libdbd-mysql-perl=$DBD_MYSQL_VERSION"; do
  pkg=${spec%%=*} version=${spec#*=}
  have=$(installed_version "$pkg")
  if [[ $have == "$version" ]]; then
    progress "$pkg" ok "$version, already installed"
  else
    [[ -z $have ]] || say "$pkg: installed $have, pinned $version; installing the pinned version"
    wanted+=("$spec")
  fi
done
if ((${#wanted[@]})); then
  take_lock
  apt_install "${wanted[@]}"
fi

command -v pt-archiver >/dev/null 2>&1 ||
  fail pt-archiver "command -v pt-archiver" "" "percona-toolkit is installed but pt-archiver is not on PATH"
progress pt-archiver ok "$(pt-archiver --version 2>&1 | head -n 1)"

# pt-archiver connects through DBI's DBD::mysql; check it against the local MariaDB over TCP, as the bench does.
# shellcheck disable=SC2016  # Perl code, expanded by perl
check='use DBI; my $dbh = DBI->connect("DBI:mysql:;host=$ARGV[0];port=$ARGV[1]", "root", "", { RaiseError => 1, PrintError => 0 }); print $dbh->selectrow_array("SELECT VERSION()"), "\n";'
if ! version=$(perl -e "$check" "$MARIADB_HOST" "$MARIADB_PORT" 2>&1); then
  fail dbd-mysql "perl -MDBI -e 'DBI->connect(\"DBI:mysql:;host=$MARIADB_HOST;port=$MARIADB_PORT\", \"root\", \"\")'" "" \
    "$version; is MariaDB up? (bash scripts/services.sh up mariadb)"
fi
progress dbd-mysql ok "DBD::mysql $(perl -MDBD::mysql -e 'print $DBD::mysql::VERSION') reaches MariaDB $version on $MARIADB_HOST:$MARIADB_PORT"
