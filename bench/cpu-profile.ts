/**
 * Summarises a V8 CPU profile (`.cpuprofile`, from `bench/profile-run.ts --cpu-profile FILE` or `node --cpu-prof`):
 * self time per stage of the pipeline and the functions that cost most. Stages are told apart by the file a
 * function lives in; time in native code (zlib and crypto bindings, the garbage collector) is named by V8.
 *
 *   npx tsx bench/cpu-profile.ts FILE [--top 25]
 */
import { readFileSync } from 'node:fs';
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

function stageOf(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(idle)') return '(idle)';
  if (functionName === '(program)') return '(program: V8 and native code outside JavaScript)';
  for (const [stage, pattern] of STAGES) if (pattern.test(url)) return stage;
  return url === '' ? `native: ${functionName || '(anonymous)'}` : 'other';
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' } },
  });
  const file = positionals[0];
  if (!file) throw new Error('usage: npx tsx bench/cpu-profile.ts FILE [--top N]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  /** The nearest frame of the project's own code on the stack: the part of the pipeline that caused the work. */
  const ownerOf = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const { functionName, url, lineNumber } = byId.get(at)!.callFrame;
      if (/\/(src|bench)\//.test(url) && !url.includes('node_modules'))
        return `${functionName || '(anonymous)'} ${url.replace(/^.*\/(src|bench)\//, '$1/')}:${lineNumber + 1}`;
    }
    return '(no project frame on the stack)';
  };
  const owners = new Map<string, number>();
  const stages = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const stage = stageOf(node);
    stages.set(stage, (stages.get(stage) ?? 0) + us);
    if (stage === '(idle)') continue;
    busy += us;
    let owner = stage === 'garbage collector' ? '(garbage collector)' : ownerOf(id);
    if (owner.startsWith('(no project frame')) owner = `(no project frame on the stack) ${stage}`;
    owners.set(owner, (owners.get(owner) ?? 0) + us);
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url
      ? `${url.replace(/^.*\/(node_modules|src|bench)\//, '$1/')}:${lineNumber + 1}`
      : 'native';
    const name = `${functionName || '(anonymous)'} ${where}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
  }
  const wall = profile.endTime - profile.startTime;
  const ms = (us: number) => (us / 1000).toFixed(0).padStart(7);
  const pct = (us: number) => `${((us / busy) * 100).toFixed(1).padStart(5)}%`;
  console.log(`profile: ${(wall / 1e6).toFixed(2)} s wall, ${(busy / 1e6).toFixed(2)} s on the main thread`);
  console.log('\nself time by stage (ms, share of the main thread)');
  for (const [stage, us] of [...stages].sort((a, b) => b[1] - a[1]))
    if (stage !== '(idle)') console.log(`${ms(us)} ${pct(us)}  ${stage}`);
  console.log(
    `\ntop ${values.top} project functions by time they and the code they call synchronously spent (ms)`,
  );
  for (const [name, us] of [...owners].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top)))
    console.log(`${ms(us)} ${pct(us)}  ${name}`);
  console.log(`\ntop ${values.top} functions by self time (ms)`);
  for (const [name, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top)))
    console.log(`${ms(us)} ${pct(us)}  ${name}`);
}

main();
