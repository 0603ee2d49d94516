import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/** Process accounting from /proc: CPU seconds, peak memory, process trees. Linux only, like the services. */

const CLOCK_TICKS_PER_S = 100; // USER_HZ; 100 on every Linux architecture Node supports

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime of the process (all threads), seconds. */
  ownCpuS: number;
  /** cutime + cstime: children that ended and were waited for, seconds. */
  childCpuS: number;
}

function readStat(pid: number | 'self'): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // gone between listing and reading
  }
  // The command name (field 2) may contain spaces and parentheses: the fields after it follow the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const num = (i: number) => Number(fields[i - 3]);
  return {
    pid: Number(text.slice(0, text.indexOf(' '))),
    ppid: num(4),
    ownCpuS: (num(14) + num(15)) / CLOCK_TICKS_PER_S,
    childCpuS: (num(16) + num(17)) / CLOCK_TICKS_PER_S,
  };
}

/** CPU seconds used so far by one process (all its threads); 0 when it is gone. */
export function processCpuS(pid: number): number {
  return readStat(pid)?.ownCpuS ?? 0;
}

/** CPU seconds of this process's children that have exited and been waited for (psql, gzip, perl, the CLI). */
export function reapedChildrenCpuS(): number {
  return readStat('self')?.childCpuS ?? 0;
}

/**
 * CPU seconds of a process and all its descendants, including descendants that already ended (a PostgreSQL
 * backend that exits is reaped by the postmaster and shows up in the postmaster's child time).
 */
export function treeCpuS(rootPid: number): number {
  const stats = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((s): s is ProcStat => s !== null);
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const root = stats.find((s) => s.pid === rootPid);
  if (!root) return 0;
  let total = 0;
  const queue = [root];
  while (queue.length > 0) {
    const s = queue.pop()!;
    total += s.ownCpuS + s.childCpuS;
    queue.push(...(children.get(s.pid) ?? []));
  }
  return total;
}

function statusField(pid: number, field: string): number | null {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`));
    return line ? Number(line.split(/\s+/)[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Peak resident set size (VmHWM) in bytes since start or since the last resetPeakRss. */
export function peakRssBytes(pid: number): number | null {
  return statusField(pid, 'VmHWM');
}

/**
 * Sets VmHWM back to the current RSS (writing 5 to clear_refs, Linux 4.0+), so the next peak covers one run.
 * Returns false when not allowed (not the process owner); the peak then covers the process's whole life.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** The pid in a pid file if that process is alive, else null. */
export function pidFromFile(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]!.trim());
    return Number.isInteger(pid) && pid > 0 && readStat(pid) !== null ? pid : null;
  } catch {
    return null;
  }
}
