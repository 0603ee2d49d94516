import { ANCHOR, type ToolResult } from './results';

/** The one table `npm run bench` prints (Markdown, so it pastes into bench/RESULTS.md), and the notes under it. */

const HEADER = [
  'engine',
  'tool',
  'batch',
  'rows',
  'wall s',
  'rows/s',
  'worker peak RSS MB',
  'client CPU s',
  'server CPU s',
  'Temporal CPU s',
  'MinIO CPU s',
  'CPU µs/row, all processes',
  'ratio to anchor (rows/s)',
  'ratio to anchor (CPU/row)',
];

const fixed = (n: number, digits: number) => n.toFixed(digits);
const int = (n: number) => Math.round(n).toLocaleString('en-US');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** CPU of every process the run needed (client, database server, Temporal, MinIO), per row moved. */
export function cpuUsPerRow(r: ToolResult): number {
  return r.rows > 0 ? ((r.clientCpuS + r.serverCpuS + r.infraCpuS) / r.rows) * 1e6 : 0;
}

function anchorOf(results: ToolResult[], r: ToolResult): ToolResult | undefined {
  return results.find((a) => a.engine === r.engine && a.repeat === r.repeat && a.tool === ANCHOR[r.engine]);
}

function row(r: ToolResult, anchor: ToolResult | undefined, label = ''): string[] {
  return [
    r.engine,
    r.tool + label,
    r.batch === null ? '-' : int(r.batch),
    int(r.rows),
    fixed(r.wallS, 2),
    int(r.rowsPerS),
    r.workerPeakRssMb === null ? '-' : fixed(r.workerPeakRssMb, 0),
    fixed(r.clientCpuS, 2),
    fixed(r.serverCpuS, 2),
    fixed(r.temporalCpuS, 2),
    fixed(r.minioCpuS, 2),
    fixed(cpuUsPerRow(r), 1),
    anchor ? fixed(r.rowsPerS / anchor.rowsPerS, 2) : '-',
    anchor && cpuUsPerRow(anchor) > 0 ? fixed(cpuUsPerRow(r) / cpuUsPerRow(anchor), 2) : '-',
  ];
}

/** Medians over the repeats, one row per engine and tool; the ratio is of the median rates. */
function medians(results: ToolResult[]): ToolResult[] {
  const groups = new Map<string, ToolResult[]>();
  for (const r of results)
    groups.set(`${r.engine}/${r.tool}`, [...(groups.get(`${r.engine}/${r.tool}`) ?? []), r]);
  return [...groups.values()].map((runs) => {
    const m = (pick: (r: ToolResult) => number) => median(runs.map(pick));
    const peaks = runs.map((r) => r.workerPeakRssMb).filter((p): p is number => p !== null);
    return {
      ...runs[0]!,
      repeat: -1,
      wallS: m((r) => r.wallS),
      rowsPerS: m((r) => r.rowsPerS),
      clientCpuS: m((r) => r.clientCpuS),
      serverCpuS: m((r) => r.serverCpuS),
      infraCpuS: m((r) => r.infraCpuS),
      temporalCpuS: m((r) => r.temporalCpuS),
      minioCpuS: m((r) => r.minioCpuS),
      workerPeakRssMb: peaks.length > 0 ? Math.max(...peaks) : null,
    };
  });
}

function markdown(rows: string[][]): string {
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(HEADER), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function resultsTable(results: ToolResult[], repeats: number): string {
  const rows = results.map((r) => row(r, anchorOf(results, r), repeats > 1 ? ` #${r.repeat + 1}` : ''));
  if (repeats > 1) {
    const summary = medians(results);
    rows.push(...summary.map((r) => row(r, anchorOf(summary, r), ' (median)')));
  }
  return markdown(rows);
}

/** Temporal's share of the wall time and the S3 traffic, for each db-archiver run. */
export function archiverNotes(results: ToolResult[]): string {
  const notes: string[] = [];
  for (const r of results.filter((x) => x.tool === 'db-archiver')) {
    const at = `${r.engine}, batch ${int(r.batch ?? 0)}, ${int(r.rows)} rows${r.repeat > 0 ? `, repeat ${r.repeat + 1}` : ''}`;
    const t = r.temporal;
    if (t)
      notes.push(
        `- Temporal share (${at}): ${fixed(t.shareOfWorkflow * 100, 1)}% of the fleet workflow's ` +
          `${fixed(t.fleetWallMs / 1000, 2)} s is outside activities: ${fixed(t.gapsMs / 1000, 2)} s in ${t.gaps} ` +
          `gaps between activities (mean ${fixed(t.meanGapMs, 1)} ms; mean schedule-to-start ` +
          `${fixed(t.meanScheduleToStartMs, 1)} ms), the other ` +
          `${fixed((t.fleetWallMs - t.activityMs - t.gapsMs) / 1000, 2)} s before the first and after the last ` +
          `batch (child workflow start and end, lease acquire and release); ${t.activities} activities, ` +
          `${t.databaseRuns} database workflow run(s). Of the measured wall ${fixed(r.wallS, 2)} s, which also ` +
          `counts \`archiver run\` starting and connecting, ${fixed(t.shareOfWall * 100, 1)}% is outside activities.`,
      );
    const s = r.s3;
    if (s) {
      const apis = Object.entries(s.requests)
        .sort((a, b) => b[1] - a[1])
        .map(([api, n]) => `${api} ${n}`)
        .join(', ');
      notes.push(
        `- S3 (${at}): ${int(s.requestsPerMillionRows)} requests and ${int(s.objectsPerMillionRows)} objects ` +
          `per million rows (${s.totalRequests} requests: ${apis}; ${s.objects} objects).`,
      );
    }
  }
  return notes.join('\n');
}
