import { openLab } from '../test/chaos/lab/context';
import { runScenario, describeResult, type ScenarioOptions } from '../test/chaos/lab/scenario';
(async () => {
  const list = JSON.parse(process.argv[2]!) as ScenarioOptions[];
  const lab = await openLab();
  try {
    for (const o of list) {
      const r = await runScenario(lab, { mutate: true, baseLatencyMs: 20, timeoutMs: 90000, log: (l) => console.log(new Date().toISOString(), l), ...o });
      const mp = r.s3Requests.filter(q => q.op !== "Other").reduce((a: Record<string, number>, q) => { const k = q.op + (q.injected ? "!" : "") + q.status; a[k] = (a[k] ?? 0) + 1; return a; }, {}); console.log(describeResult(r), JSON.stringify(mp), JSON.stringify(r.maxAttempt), r.failures.join(' | ').slice(0, 300), r.workerLog);
    }
  } finally { await lab.close(); }
})();
