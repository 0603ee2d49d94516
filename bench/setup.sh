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

# Debian 12 (bookworm) release lines, not exact builds: an update of the archive replaces a point release, so the
# install takes the archive's current build of each line (`apt-cache policy percona-toolkit libdbd-mysql-perl`).
# percona-toolkit depends on libdbd-mysql-perl, which is pinned too so a later mirror update changes nothing.
PERCONA_TOOLKIT_LINE=3.2
DBD_MYSQL_LINE=4.050
MARIADB_HOST=127.0.0.1
MARIADB_PORT=$((3306 + PORT_OFFSET))

ensure_layout
take_lock
apt_ensure_line libdbd-mysql-perl "$DBD_MYSQL_LINE" "DBD_MYSQL_LINE in bench/setup.sh"
apt_ensure_line percona-toolkit "$PERCONA_TOOLKIT_LINE" "PERCONA_TOOLKIT_LINE in bench/setup.sh"

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
