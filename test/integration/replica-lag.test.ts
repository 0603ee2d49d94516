/**
 * The replica-lag check (src/engines/replica-lag.ts) against the real replicas scripts/services.sh starts: a
 * PostgreSQL streaming standby and a MariaDB replica. One suite, run against each engine: caught up reads 0, a
 * replica that stopped applying reads as behind (PostgreSQL: the age of its last replayed transaction) or
 * unknown (MariaDB: Seconds_Behind_Master NULL), the primary itself is refused as "not a replica", and a replica
 * that cannot be reached reads as unknown rather than failing.
 */
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
});
