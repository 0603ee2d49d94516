/**
 * The replica-lag check (src/engines/replica-lag.ts) against the real replicas scripts/services.sh starts: a
 * PostgreSQL streaming standby and a MariaDB replica. One suite, run against each engine: caught up reads 0, a
 * replica that stopped applying reads as behind (PostgreSQL: the age of its last replayed transaction) or
 * unknown (MariaDB: Seconds_Behind_Master NULL), the primary itself is refused as "not a replica", and a replica
 * that cannot be reached reads as unknown rather than failing, while a query the replica refuses for good (a
 * database it lacks; on PostgreSQL a user without pg_monitor) fails for good, under its own name, so the table
 * fails instead of waiting for ever.
 */
import { createConnection as tcpConnect, createServer, type AddressInfo, type Socket } from 'node:net';
import { Client as PgClient } from 'pg';
import { withPoolRecovery } from '../../src/activities/pool-recovery';
import { EngineRegistry } from '../../src/engines';
import { readReplicaLag } from '../../src/engines/replica-lag';
import { EventsTable, type EngineKind } from '../helpers/events-table';
import { replicaUrlOf, resumeApplying, stopApplying, waitUntilReplicated } from '../helpers/replicas';

const ENGINES: EngineKind[] = ['postgres', 'mysql'];

describe.each(ENGINES)('%s: reading the replica lag', (engine) => {
  let table: EventsTable;
  let replica: { engine: EngineKind; url: string };

  beforeAll(async () => {
    table = await EventsTable.create(engine, 'replica_lag');
    await table.insert(1, 10, 1, (id) => `row ${id}`);
    await waitUntilReplicated(table);
    replica = { engine, url: replicaUrlOf(table) };
  });
  afterAll(async () => {
    await resumeApplying(engine);
    await table?.close();
  });

  /** The lag once it is 0: other tests write to the same primary, and a moment of lag is theirs. */
  async function settledLag() {
    const deadline = Date.now() + 20_000;
    let reading = await readReplicaLag('shop', replica);
    while (reading.lagSeconds !== 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      reading = await readReplicaLag('shop', replica);
    }
    return reading;
  }

  it('reads no lag from a replica that has applied everything', async () => {
    expect(await settledLag()).toEqual({ lagSeconds: 0 });
  });

  it('reads a replica that stopped applying as behind, or as unknown, until it applies again', async () => {
    await stopApplying(engine);
    try {
      await table.insert(100, 110, 1, (id) => `row ${id}`);
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      const reading = await readReplicaLag('shop', replica);
      if (engine === 'postgres') {
        expect(reading.lagSeconds).toBeGreaterThanOrEqual(2);
        expect(reading.problem).toMatch(/WAL replay is paused/);
      } else {
        expect(reading.lagSeconds).toBeNull();
        expect(reading.problem).toMatch(/^replication is not running \(IO thread: Yes, SQL thread: No\)/);
      }
    } finally {
      await resumeApplying(engine);
    }
    await waitUntilReplicated(table);
    expect(await settledLag()).toEqual({ lagSeconds: 0 });
  });

  it('refuses the primary as a replica, naming replicaUrl and the fix', async () => {
    const primary = { engine, url: table.url };
    await expect(readReplicaLag('shop', primary)).rejects.toMatchObject({
      name: 'NotAReplicaError',
      message: expect.stringMatching(
        /^The server at replicaUrl of database shop is not a replica \(.+\); point replicaUrl at a (streaming standby|replica) of the database, or remove maxReplicaLag\.$/,
      ),
    });
  });

  it('reads a replica it cannot reach as unknown, so the run waits instead of failing', async () => {
    const unreachable = {
      engine,
      url: engine === 'postgres' ? 'postgres://postgres@127.0.0.1:1/x' : 'mysql://root@127.0.0.1:1/x',
    };
    const reading = await readReplicaLag('shop', unreachable);
    expect(reading).toEqual({
      lagSeconds: null,
      problem: expect.stringMatching(/^cannot reach the replica: .*ECONNREFUSED/),
    });
  });

  it('reads a replica that stops answering mid-check as unknown, and drops its connection', async () => {
    // A proxy to the replica that passes the log-in through and then swallows the lag query, the way a network
    // that black-holes an open connection does: no error, no answer.
    const upstream = new URL(replica.url);
    const open = new Set<Socket>();
    const proxy = createServer((client) => {
      open.add(client);
      const server = tcpConnect(Number(upstream.port), upstream.hostname);
      client.on('data', (chunk: Buffer) => {
        if (!/pg_is_in_recovery|REPLICA STATUS/.test(chunk.toString('latin1'))) server.write(chunk);
      });
      server.on('data', (chunk: Buffer) => client.write(chunk));
      const close = () => {
        open.delete(client);
        client.destroy();
        server.destroy();
      };
      client.on('close', close).on('error', close);
      server.on('close', close).on('error', close);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (proxy.address() as AddressInfo).port;
      const url = replica.url.replace(`:${upstream.port}/`, `:${port}/`);
      const reading = await readReplicaLag('shop', { engine, url });
      expect(reading).toEqual({
        lagSeconds: null,
        problem: expect.stringMatching(
          /^cannot reach the replica: .*(Query inactivity timeout|Query read timeout)/,
        ),
      });
      // The hung connection is dropped, not left waiting on a replica that does not answer.
      const deadline = Date.now() + 2_000;
      while (open.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(open.size).toBe(0);
    } finally {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    }
  }, 30_000);

  it('fails for good with ReplicaCheckError, through the activity wrapper, on a database the replica lacks', async () => {
    // The wrapper every activity runs in turns final SQL errors into QueryFailedError; the replica's own error
    // must keep its name, the one the workflow fails the table on (any other failure reads as "lag unknown").
    const { replicaLag } = withPoolRecovery(new EngineRegistry([]), 'unused', {
      replicaLag: (input: { database: string }) =>
        readReplicaLag(input.database, {
          engine,
          url: replica.url.replace(/\/[^/]*$/, '/db_archiver_no_such_database'),
        }),
    });
    await expect(replicaLag({ database: 'shop' })).rejects.toMatchObject({
      name: 'ReplicaCheckError',
      message: expect.stringMatching(/^Checking the replica lag of database shop at replicaUrl failed: /),
    });
  });
});

describe('postgres: the replica-lag user', () => {
  it('needs pg_monitor to see whether the standby streams, and says so instead of waiting', async () => {
    const table = await EventsTable.create('postgres', 'replica_user');
    const role = `lag_reader_${table.database}`.slice(0, 60);
    const primary = new PgClient({ connectionString: table.url });
    await primary.connect();
    try {
      await primary.query(`CREATE ROLE ${role} LOGIN`);
      await waitUntilReplicated(table);
      const target = {
        engine: 'postgres' as const,
        url: replicaUrlOf(table).replace('//postgres@', `//${role}@`),
      };
      await expect(readReplicaLag('shop', target)).rejects.toMatchObject({
        name: 'ReplicaCheckError',
        message: expect.stringContaining('GRANT pg_monitor'),
      });
      await primary.query(`GRANT pg_monitor TO ${role}`);
      await table.insert(1, 2, 1, (id) => `row ${id}`);
      await waitUntilReplicated(table);
      const deadline = Date.now() + 20_000;
      let reading = await readReplicaLag('shop', target);
      while (reading.lagSeconds !== 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        reading = await readReplicaLag('shop', target);
      }
      expect(reading).toEqual({ lagSeconds: 0 });
    } finally {
      await primary.query(`DROP OWNED BY ${role}; DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
      await primary.end();
      await table.close();
    }
  });
});
