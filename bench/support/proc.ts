import { readFileSync, readdirSync } from 'node:fs';

/** Linux's clock ticks per second for /proc (USER_HZ), 100 on every mainstream kernel. */
const TICKS = 100;

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat (NaN if it is gone). */
export function cpuSecondsOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), from field 3 on: utime is 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return NaN;
  }
}

/** Resident memory of a process in MiB, from /proc/<pid>/status (NaN if it is gone). */
export function rssMiBOf(pid: number | undefined): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round((Number(kb) / 1024) * 10) / 10 : NaN;
  } catch {
    return NaN;
  }
}

/** CPU seconds the whole machine spent busy (all cores, everything but idle and iowait) so far. */
export function machineBusySeconds(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const idle = ticks[3] + ticks[4];
  return (ticks.slice(0, 8).reduce((a, b) => a + b, 0) - idle) / TICKS;
}

/** A Prometheus sample's value from a `/metrics` text (the first series of `name`, labels or not). */
export function metricValue(metricsText: string, name: string): number {
  const line = metricsText.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return Number(line?.split(' ').at(-1) ?? NaN);
}

/**
 * The other children of this process's parent, by pid and command name: under `scripts/infra/up.mjs`
 * these are the Kafka broker (`java`), FerretDB, Redis and MinIO it started (none when the environment
 * pointed at servers already running elsewhere).
 */
export function siblingProcesses(): Array<{ pid: number; name: string }> {
  const found: Array<{ pid: number; name: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.ppid) found.push({ pid: Number(entry), name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}
