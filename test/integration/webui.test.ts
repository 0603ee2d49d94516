/**
 * What an operator sees of a run in the Temporal Web UI: a finished run of two databases, opened in a real
 * headless Chromium (Debian's, driven by playwright-core). The fleet and its children are listed, the fleet's page
 * shows its children and the configuration memo, and the children carry the database and table search attributes.
 *
 * Screenshots go to a temporary directory; with UPDATE_SCREENSHOTS=1 they replace docs/webui-*.png.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client, Connection, type WorkflowExecutionDescription } from '@temporalio/client';
import { chromium, type Browser, type Page } from 'playwright-core';
import { EventsTable } from '../helpers/events-table';
import { runCli, startWorkerProcess, stopProcess } from '../helpers/cli';
import { createBucket, S3_ENDPOINT, s3Client, TEMPORAL_ADDRESS, uniqueName } from '../helpers/services';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WEB_UI = process.env.TEST_TEMPORAL_UI ?? `http://${TEMPORAL_ADDRESS.replace(/:7233$/, ':8233')}`;
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS
  ? join(__dirname, '..', '..', 'docs')
  : mkdtempSync(join(tmpdir(), 'webui-shots-'));

describe('a finished run in the Temporal Web UI', () => {
  const suffix = randomBytes(2).toString('hex');
  const names = { shop: `shop-${suffix}`, billing: `billing-${suffix}` };
  let s3: S3Client;
  let tables: EventsTable[] = [];
  let worker: ChildProcess | undefined;
  let connection: Connection;
  let client: Client;
  let browser: Browser;
  let page: Page;
  let fleetId: string;
  let bucket: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `no Chromium at ${CHROMIUM}: run \`bash scripts/install-browser.sh\` (installs Debian's chromium of the release line pinned in scripts/lib/browser.sh), or set CHROMIUM_PATH`,
      );
    }
    s3 = s3Client();
    const shop = await EventsTable.create('postgres', 'webui_shop');
    const billing = await EventsTable.create('mysql', 'webui_billing');
    tables = [shop, billing];
    await shop.insert(1, 120, 120, (id) => `order ${id}`);
    await billing.insert(1, 80, 120, (id) => `invoice ${id}`);
    bucket = await createBucket(s3, 'webui');
    const configPath = join(mkdtempSync(join(tmpdir(), 'webui-')), 'archiver.yaml');
    writeFileSync(
      configPath,
      `temporal: { address: "${TEMPORAL_ADDRESS}", taskQueue: ${uniqueName('webui')} }
storage: { bucket: ${bucket}, prefix: demo, endpoint: "${S3_ENDPOINT}", forcePathStyle: true }
databases:
  - name: ${names.shop}
    engine: postgres
    url: "${shop.url}"
    tables:
      - { name: public.events, timestampColumn: created_at, olderThan: 90d, batchSize: 50 }
  - name: ${names.billing}
    engine: mysql
    url: "${billing.url}"
    tables:
      - { name: events, timestampColumn: created_at, olderThan: 90d, batchSize: 40, delete: false }
`,
    );
    worker = (await startWorkerProcess(configPath)).child;
    const run = await runCli(['run', '--config', configPath, '--wait']);
    expect(run).toMatchObject({ code: 0 });
    fleetId = run.stdout.trim();
    connection = await Connection.connect({ address: TEMPORAL_ADDRESS });
    client = new Client({ connection });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await connection?.close();
    if (worker) await stopProcess(worker);
    for (const table of tables) await table.close();
    s3?.destroy();
  });

  const childId = (name: string): string => `archive-db-${name}`;

  it('names the workflows readably and gives each a memo with its settings and no secret', async () => {
    expect(fleetId).toMatch(/^archive-fleet-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/);
    const fleet = await client.workflow.getHandle(fleetId).describe();
    expect(fleet.memo).toEqual({
      mode: 'archive',
      archive: `s3://${bucket}/demo/`,
      endpoint: S3_ENDPOINT,
      concurrency: 2,
      lock: 'none',
      databases: {
        [names.shop]: {
          engine: 'postgres',
          tables: { 'public.events': 'older than 90d by created_at, batches of 50, delete, drift warn' },
        },
        [names.billing]: {
          engine: 'mysql',
          tables: { events: 'older than 90d by created_at, batches of 40, archive only, drift warn' },
        },
      },
    });
    expect(await fleet.staticSummary()).toBe(
      `Archive 2 databases (${names.shop}, ${names.billing}) to s3://${bucket}/demo/`,
    );

    const shop = await client.workflow.getHandle(childId(names.shop)).describe();
    expect(shop.memo).toMatchObject({ database: names.shop, engine: 'postgres', mode: 'archive' });
    expect(await shop.staticSummary()).toBe(`Archive ${names.shop} (postgres): public.events`);
    for (const described of [fleet, shop]) expect(secretsIn(described)).toEqual([]);
  });

  it('sets the ArchiverDatabase and ArchiverTable search attributes on the database workflows', async () => {
    const found: string[] = [];
    for await (const execution of client.workflow.list({
      query: `ArchiverDatabase = "${names.billing}" AND ArchiverTable = "events"`,
    })) {
      found.push(execution.workflowId);
    }
    expect(found).toEqual([childId(names.billing)]);
  });

  it('lists the fleet workflow and its children on the Workflows page', async () => {
    const query = `WorkflowId = "${fleetId}" OR ParentWorkflowId = "${fleetId}"`;
    const ids = [fleetId, childId(names.shop), childId(names.billing)];
    await openUntilVisible(`${WEB_UI}/namespaces/default/workflows?query=${encodeURIComponent(query)}`, ids);
    await expectVisible(page.getByRole('link', { name: 'archiveFleet' }));
    await page.screenshot({ path: join(SCREENSHOTS, 'webui-workflows.png') });

    // The search attribute finds one database's workflow.
    const byDatabase = `ArchiverDatabase = "${names.shop}"`;
    await openUntilVisible(`${WEB_UI}/namespaces/default/workflows?query=${encodeURIComponent(byDatabase)}`, [
      childId(names.shop),
    ]);
  });

  it("shows the fleet's children under Relationships and its configuration under Memo", async () => {
    const { runId } = await client.workflow.getHandle(fleetId).describe();
    const base = `${WEB_UI}/namespaces/default/workflows/${encodeURIComponent(fleetId)}/${runId}`;

    await page.goto(`${base}/relationships`);
    await expectVisible(page.getByText('Child Count'));
    for (const name of [names.shop, names.billing]) await expectVisible(page.getByText(childId(name)));
    // The timeline's labels are the children's summaries and the activities' names.
    await page.screenshot({ path: join(SCREENSHOTS, 'webui-fleet.png') });

    await page.goto(`${base}/memo`);
    await expectVisible(page.getByText(`"archive": "s3://${bucket}/demo/"`));
    await expectVisible(page.getByText('older than 90d by created_at, batches of 50, delete, drift warn'));
    await page.screenshot({ path: join(SCREENSHOTS, 'webui-memo.png') });

    await page.goto(`${base}/timeline`);
    for (const label of [
      `Archive ${names.shop} (postgres): public.events`,
      'cleanupStaleUploads',
      'writeReport',
    ]) {
      await expectVisible(page.getByText(label).first());
    }
  });

  it("shows a database's steps on its timeline by activity name", async () => {
    const { runId } = await client.workflow.getHandle(childId(names.shop)).describe();
    await page.goto(`${WEB_UI}/namespaces/default/workflows/${childId(names.shop)}/${runId}/timeline`);
    for (const activity of ['prepareTable', 'archiveBatch', 'deleteBatch', 'verifyBatch']) {
      await expectVisible(page.getByText(activity).first());
    }
    // A taller window, so that the picture shows the whole timeline below the input and the result.
    await page.setViewportSize({ width: 1440, height: 1300 });
    await page.screenshot({ path: join(SCREENSHOTS, 'webui-database.png') });
  });

  /**
   * Opens a page of the single-page app and waits for every text; the list does not refresh by itself, so a row
   * that visibility has not indexed yet is waited for by loading the page again (bounded).
   */
  async function openUntilVisible(url: string, texts: string[]): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      await page.goto(url);
      try {
        for (const text of texts)
          await page.getByText(text, { exact: true }).first().waitFor({ timeout: 10_000 });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
    }
  }
});

async function expectVisible(locator: ReturnType<Page['getByText']>): Promise<void> {
  await locator.waitFor({ state: 'visible', timeout: 20_000 });
}

/** Anything in a workflow's memo and summary that looks like a connection string or a credential. */
function secretsIn(described: WorkflowExecutionDescription): string[] {
  const text = JSON.stringify(described.memo);
  return ['postgres://', 'mysql://', 'minioadmin', 'password', '@127.0.0.1'].filter((s) => text.includes(s));
}
