#!/usr/bin/env bash
# `npm run demo`: installs what is missing, brings the services up, seeds two demo databases, archives their old
# rows through Temporal into MinIO, prints the report, and says where to look in the Web UI.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/use-node.sh
source scripts/lib/use-node.sh
echo "demo: Node.js $(node --version) ($DB_ARCHIVER_NODE)" >&2

bash scripts/ensure-deps.sh
bash scripts/services.sh up
eval "$(bash scripts/services.sh env)"

echo "demo: seeding demo_shop (PostgreSQL) and demo_billing (MariaDB)" >&2
psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres -d postgres <<'SQL'
DROP DATABASE IF EXISTS demo_shop;
CREATE DATABASE demo_shop;
SQL
psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres -d demo_shop <<'SQL'
CREATE TABLE events (
  id bigserial PRIMARY KEY,
  created_at timestamptz NOT NULL,
  account_id int NOT NULL,
  kind text NOT NULL,
  payload jsonb
);
CREATE INDEX ON events (created_at);
INSERT INTO events (created_at, account_id, kind, payload)
SELECT now() - (g % 400) * interval '1 day' - (g % 1440) * interval '1 minute', g % 97,
       (ARRAY['login','purchase','logout'])[1 + g % 3], jsonb_build_object('n', g)
  FROM generate_series(1, 20000) g;
SQL
mariadb -h 127.0.0.1 -P 3306 -u root <<'SQL'
DROP DATABASE IF EXISTS demo_billing;
CREATE DATABASE demo_billing CHARACTER SET utf8mb4;
USE demo_billing;
CREATE TABLE invoices (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  issued_at DATETIME(6) NOT NULL,
  customer VARCHAR(64) NOT NULL,
  amount DECIMAL(12,2) NOT NULL,
  status VARCHAR(16) NOT NULL,
  KEY (issued_at)
);
INSERT INTO invoices (issued_at, customer, amount, status)
SELECT NOW(6) - INTERVAL (seq % 400) DAY, CONCAT('customer-', seq % 50), (seq % 10000) / 100,
       IF(seq % 10 = 0, 'open', 'paid')
  FROM seq_1_to_10000;
SQL
node scripts/create-bucket.js archive "${S3_ENDPOINT:-http://127.0.0.1:9000}"

log_file="${DB_ARCHIVER_HOME}/logs/demo-worker.log"
echo "demo: starting a worker (log: $log_file)" >&2
node bin/archiver.js worker --config examples/demo.yaml >"$log_file" 2>&1 &
worker_pid=$!
trap 'kill -TERM $worker_pid 2>/dev/null; wait $worker_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q 'Worker started' "$log_file" && break
  kill -0 "$worker_pid" 2>/dev/null || { cat "$log_file" >&2; echo "demo: the worker exited; its log is above" >&2; exit 1; }
  sleep 0.2
done

echo "demo: running the archival" >&2
status=0
node bin/archiver.js run --config examples/demo.yaml --json >"${DB_ARCHIVER_HOME}/demo-report.json" || status=$?
node -e 'console.log(JSON.stringify(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")), null, 2))' \
  "${DB_ARCHIVER_HOME}/demo-report.json"
echo "demo: archives are in s3://archive/demo/ on MinIO at http://127.0.0.1:9000 (minioadmin/minioadmin)" >&2
echo "demo: inspect the run in the Temporal Web UI: http://127.0.0.1:8233/namespaces/default/workflows" >&2
exit "$status"
