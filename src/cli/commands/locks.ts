import type { Command } from 'commander';
import type { Config } from '../../config';
import { createLockBackend, leaseResource, type LeaseInfo, type LockBackend } from '../../locks';
import { loadConfigForCli, UsageError } from '../load-config-or-exit';

interface ListOptions {
  config: string;
  json?: boolean;
}

interface ReleaseOptions {
  config: string;
  database?: string;
  force?: boolean;
}

/** `archiver locks list|release`: who holds which database's lease, and breaking one when its holder is gone. */
export function registerLocks(program: Command, setExitCode: (code: number) => void): void {
  const locks = program.command('locks').description('inspect and break the leases that keep runs apart');
  locks
    .command('list')
    .description('show every lease: holder, host, pid, heartbeat age, expiry and whether it is stale')
    .requiredOption('-c, --config <file>', 'configuration file (for the lock backend)')
    .option('--json', 'print as JSON')
    .action(async (options: ListOptions) => {
      const config = loadConfigForCli(options.config);
      await withBackend(config, async (backend) => {
        const leases = await backend.list();
        const now = Date.now();
        if (options.json) {
          process.stdout.write(
            `${JSON.stringify({ backend: backend.name, leases: leases.map((l) => toJson(l, now)) })}\n`,
          );
        } else {
          if (backend.name === 'none') process.stderr.write(`archiver: ${NONE_NOTE}\n`);
          process.stdout.write(formatLeaseTable(leases, now));
        }
      });
    });
  locks
    .command('release [resource]')
    .description('release a stale lease; a live one only with --force')
    .requiredOption('-c, --config <file>', 'configuration file (for the lock backend)')
    .option('-d, --database <name>', `the lease of this database (resource ${leaseResource('NAME')})`)
    .option('--force', 'also release a live lease: its run stops before its next delete')
    .action(async (resource: string | undefined, options: ReleaseOptions) => {
      const target = releaseTarget(resource, options.database);
      const config = loadConfigForCli(options.config);
      if (config.lock.backend === 'none') throw new UsageError(NONE_NOTE);
      await withBackend(config, async (backend) => {
        setExitCode(await release(backend, target, options.force ?? false));
      });
    });
}

const NONE_NOTE =
  "lock.backend is none: runs are kept apart by Temporal's workflow ids alone, and there are no leases";

/** The resource to release: a RESOURCE argument or --database NAME, exactly one of them. */
export function releaseTarget(resource: string | undefined, database: string | undefined): string {
  if (resource !== undefined && database !== undefined) {
    throw new UsageError('give either RESOURCE or --database NAME, not both');
  }
  if (resource !== undefined) return resource;
  if (database !== undefined) return leaseResource(database);
  throw new UsageError(`give the RESOURCE to release (e.g. ${leaseResource('shop')}) or --database NAME`);
}

async function release(backend: LockBackend, resource: string, force: boolean): Promise<number> {
  const now = Date.now();
  const lease = (await backend.list()).find((l) => l.resource === resource);
  if (!lease) {
    process.stdout.write(`No lease on ${resource}; nothing to release.\n`);
    return 0;
  }
  if (!lease.stale && !force) {
    process.stderr.write(
      `archiver: ${resource} is held by ${describeHolder(lease, now)} and is not stale. Stop that run first ` +
        `(archiver cancel WORKFLOW_ID), or pass --force: its run then stops before its next delete.\n`,
    );
    return 1;
  }
  const released = await backend.forceRelease(resource);
  if (!released) {
    process.stdout.write(`No lease on ${resource}; it was released meanwhile.\n`);
  } else if (lease.stale) {
    process.stdout.write(`Released the stale lease on ${resource} (was ${describeHolder(lease, now)}).\n`);
  } else {
    process.stdout.write(
      `Released the live lease on ${resource} (was ${describeHolder(lease, now)}); ` +
        `that run stops at its next lease check, before deleting anything.\n`,
    );
  }
  return 0;
}

async function withBackend(config: Config, use: (backend: LockBackend) => Promise<void>): Promise<void> {
  const backend = createLockBackend(config.lock);
  try {
    await use(backend);
  } finally {
    await backend.close();
  }
}

export function describeHolder(lease: LeaseInfo, now: number): string {
  return (
    `${lease.owner.id} on ${lease.owner.host} (pid ${lease.owner.pid}), last heartbeat ` +
    `${formatDuration(now - lease.heartbeatAt)} ago, ${expiry(lease.expiresAt - now)}`
  );
}

function expiry(inMs: number): string {
  return inMs > 0 ? `expires in ${formatDuration(inMs)}` : `expired ${formatDuration(-inMs)} ago`;
}

function toJson(lease: LeaseInfo, now: number) {
  return {
    resource: lease.resource,
    owner: lease.owner,
    heartbeatAt: new Date(lease.heartbeatAt).toISOString(),
    expiresAt: new Date(lease.expiresAt).toISOString(),
    heartbeatAgeMs: now - lease.heartbeatAt,
    expiresInMs: lease.expiresAt - now,
    stale: lease.stale,
  };
}

/** The leases as an aligned text table, one line per lease, or a line saying there are none. */
export function formatLeaseTable(leases: readonly LeaseInfo[], now: number): string {
  if (leases.length === 0) return 'No leases are held.\n';
  const rows = [
    ['RESOURCE', 'OWNER', 'HOST', 'PID', 'HEARTBEAT', 'EXPIRES', 'STALE'],
    ...leases.map((l) => [
      l.resource,
      l.owner.id,
      l.owner.host,
      String(l.owner.pid),
      `${formatDuration(now - l.heartbeatAt)} ago`,
      l.expiresAt > now
        ? `in ${formatDuration(l.expiresAt - now)}`
        : `${formatDuration(now - l.expiresAt)} ago`,
      l.stale ? 'yes' : 'no',
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) => `${r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}`.trimEnd() + '\n')
    .join('');
}

/** `950ms`, `42s`, `1m48s`, `2h05m`, `3d04h`: the two largest units, for ages and remaining times. */
export function formatDuration(ms: number): string {
  const value = Math.max(0, Math.round(ms));
  if (value < 1000) return `${value}ms`;
  const s = Math.floor(value / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}
