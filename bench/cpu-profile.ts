/**
 * Summarises V8 CPU profiles (`.cpuprofile`, from `bench/profile-run.ts --cpu-profile FILE` or `node --cpu-prof`):
 * self time per stage of the pipeline, the project functions that caused it, and the functions that cost most.
 * Stages are told apart by the file a function lives in; time in native code (zlib and crypto bindings, socket
 * writes, the garbage collector) is named by V8. With several files, the stages are printed side by side.
 *
 * V8 samples the main thread by the clock: on a busy machine a thread waiting for a core is counted as running, so
 * compare the shares of a profile, and CPU seconds from /proc (npm run bench), not the absolute milliseconds.
 *
 *   npx tsx bench/cpu-profile.ts FILE [FILE…] [--top 25]
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The stage a function's self time counts to, from its file (first match wins). */
const STAGES: [string, RegExp][] = [
  ['mysql2 (protocol, row parsing)', /node_modules\/mysql2\//],
  ['pg (protocol, row parsing)', /node_modules\/(pg|pg-protocol|pg-types|pg-cursor|postgres-)/],
  ['AWS SDK (S3 client, signing)', /node_modules\/@(aws-sdk|smithy|aws-crypto)\//],
  ['Temporal SDK', /node_modules\/@temporalio\//],
  ['codec (line encoding)', /\/src\/codec\//],
  ['engines (SQL, rows)', /\/src\/engines\//],
  ['storage (uploads, sidecars)', /\/src\/storage\//],
  ['activities', /\/src\/activities\//],
  ['other dependencies', /node_modules\//],
  ['other project code', /\/(src|bench)\//],
  ['Node.js internals (streams, buffers, net)', /^node:/],
];

const IDLE = '(idle)';
const PROFILER = '(the profiler itself)';

function stageOf(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(idle)') return IDLE;
  if (functionName === '(program)') return '(program: V8 and native code outside JavaScript)';
  // The inspector session that records the profile (bench/profile-run.ts) is the measurement, not the run.
  if (url === 'node:inspector' || url === 'node:inspector/promises') return PROFILER;
  for (const [stage, pattern] of STAGES) if (pattern.test(url)) return stage;
  return url === '' ? `native: ${functionName || '(anonymous)'}` : 'other';
}

const projectFrame = (url: string) => /\/(src|bench)\//.test(url) && !url.includes('node_modules');
const shortUrl = (url: string) => url.replace(/^.*\/(node_modules|src|bench)\//, '$1/');

interface Summary {
  wallUs: number;
  busyUs: number;
  stages: Map<string, number>;
  owners: Map<string, number>;
  functions: Map<string, number>;
}

function summarise(profile: Profile): Summary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  /** The nearest frame of the project's own code on the stack: the part of the pipeline that caused the work. */
  const ownerOf = (id: number): string | null => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const { functionName, url, lineNumber } = byId.get(at)!.callFrame;
      if (projectFrame(url)) return `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`;
    }
    return null;
  };
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  const summary: Summary = {
    wallUs: profile.endTime - profile.startTime,
    busyUs: 0,
    stages: new Map(),
    owners: new Map(),
    functions: new Map(),
  };
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const stage = stageOf(node);
    if (stage === IDLE || stage === PROFILER) continue;
    summary.busyUs += us;
    add(summary.stages, stage, us);
    const owner = stage === 'garbage collector' ? '(garbage collector)' : ownerOf(id);
    add(summary.owners, owner ?? `(no project frame on the stack) ${stage}`, us);
    const { functionName, url, lineNumber } = node.callFrame;
    add(
      summary.functions,
      `${functionName || '(anonymous)'} ${url ? `${shortUrl(url)}:${lineNumber + 1}` : 'native'}`,
      us,
    );
  }
  return summary;
}

const ms = (us: number) => (us / 1000).toFixed(0).padStart(7);
const pct = (us: number, of: number) => `${((us / of) * 100).toFixed(1).padStart(5)}%`;
const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' } },
  });
  if (positionals.length === 0) throw new Error('usage: npx tsx bench/cpu-profile.ts FILE [FILE…] [--top N]');
  const top = Number(values.top);
  const summaries = positionals.map((file) => summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile));
  if (summaries.length > 1) {
    console.log(
      `self time by stage, ms (share of the main thread): ${positionals.map((f) => basename(f)).join(' | ')}`,
    );
    const stages = sorted(summaries[0]!.stages).map(([stage]) => stage);
    for (const s of summaries.slice(1))
      for (const stage of s.stages.keys()) if (!stages.includes(stage)) stages.push(stage);
    for (const stage of ['(main thread, all)', ...stages]) {
      const cells = summaries.map((s) => {
        const us = stage === '(main thread, all)' ? s.busyUs : (s.stages.get(stage) ?? 0);
        return `${ms(us)} ${pct(us, s.busyUs)}`;
      });
      console.log(`${cells.join(' |')}  ${stage}`);
    }
    return;
  }
  const s = summaries[0]!;
  console.log(
    `profile: ${(s.wallUs / 1e6).toFixed(2)} s wall, ${(s.busyUs / 1e6).toFixed(2)} s on the main thread`,
  );
  console.log('\nself time by stage (ms, share of the main thread)');
  for (const [stage, us] of sorted(s.stages)) console.log(`${ms(us)} ${pct(us, s.busyUs)}  ${stage}`);
  console.log(`\ntop ${top} project functions by the time they and what they call synchronously spent (ms)`);
  for (const [name, us] of sorted(s.owners).slice(0, top))
    console.log(`${ms(us)} ${pct(us, s.busyUs)}  ${name}`);
  console.log(`\ntop ${top} functions by self time (ms)`);
  for (const [name, us] of sorted(s.functions).slice(0, top))
    console.log(`${ms(us)} ${pct(us, s.busyUs)}  ${name}`);
}

main();
