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

/**
 * A process's resident memory split by what holds it, from /proc/<pid>/smaps (MiB; NaN if it is gone):
 * `wasm` is WebAssembly linear memory (V8 maps each one as its accessible pages followed at once by
 * an inaccessible reservation of several GiB, which nothing else in a Node process has), `anonymous`
 * the rest not backed by a file (V8's heap and compiled code, malloc), `files` what is mapped from
 * files (the node binary, shared libraries).
 */
export function residentByKindOf(pid: number | undefined): { wasm: number; anonymous: number; files: number } {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  } catch {
    return { wasm: NaN, anonymous: NaN, files: NaN };
  }
  interface Mapping { start: bigint; end: bigint; perms: string; file: boolean; rssKb: number }
  const maps: Mapping[] = [];
  for (const line of text.split('\n')) {
    const header = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ (\d+)\s*(.*)$/.exec(line);
    if (header) {
      const [, start, end, perms, inode, path] = header;
      maps.push({ start: BigInt(`0x${start}`), end: BigInt(`0x${end}`), perms, file: inode !== '0' && path.startsWith('/'), rssKb: 0 });
    } else if (line.startsWith('Rss:') && maps.length > 0) {
      maps[maps.length - 1].rssKb = Number(/(\d+)/.exec(line)?.[1]);
    }
  }
  const kb = { wasm: 0, anonymous: 0, files: 0 };
  maps.forEach((m, i) => {
    const next = maps[i + 1];
    const isWasm = !m.file && m.perms.startsWith('rw') && next !== undefined && next.start === m.end && next.perms.startsWith('---') && next.end - next.start >= 4n * 2n ** 30n;
    kb[m.file ? 'files' : isWasm ? 'wasm' : 'anonymous'] += m.rssKb;
  });
  const mib = (x: number) => Math.round((x / 1024) * 10) / 10;
  return { wasm: mib(kb.wasm), anonymous: mib(kb.anonymous), files: mib(kb.files) };
}
