// replay: feeds a session recorded in a gateway's message log back into a running gateway, to
// reproduce what that user did (the bug report says when; the log says what).
//
//   node -r ./scripts/register.js scripts/replay.ts --url http://localhost:3000 --log gateway.log \
//        [--session <socket id>] (--token <jwt> | --jwt-secret <secret> [--tenant <t>] [--user <u>]) \
//        [--speed 1] [--keep-ids] [--list]
//
// --log       the gateway's JSON log (one object per line, e.g. `kubectl logs deploy/tandem-gateway`),
//             or - for stdin. Message-log lines are those with "log":"message"
//             (MESSAGE_LOG_SAMPLE_RATE > 0 records whole sessions; failed messages of others, up to MESSAGE_LOG_FAILURES_PER_MINUTE).
// --session   the recorded socket id (default: the session with the most lines); --list prints them.
// --token     a JWT to connect with; or --jwt-secret to sign one for the recorded user and tenant, or
//             for --tenant/--user (replay into a scratch workspace rather than the user's own).
// --speed     1 keeps the recorded pacing, 2 twice as fast, 0 sends each message as soon as the
//             previous one was acknowledged.
// --keep-ids  resend the recorded commandIds (the services then drop them as duplicates: useful to
//             test idempotence); by default every commandId is replaced by a fresh one.
// Prints each message with its recorded and replayed outcome; exits 1 if the gateway cannot be
// reached or a replayed outcome differs from the recording (with --strict).
import { signToken } from '@tandem/platform';
import { createReadStream } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { io } from 'socket.io-client';

interface Line {
  log: 'message';
  session: string;
  tenant: string;
  user: string;
  t: number;
  event: string;
  args: unknown[];
  outcome: 'ok' | 'error' | 'refused';
  sampled: boolean;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

function fail(message: string): never {
  process.stderr.write(`replay: ${message}\n`);
  process.exit(1);
}

async function readLog(file: string): Promise<Line[]> {
  const lines: Line[] = [];
  const rl = createInterface({ input: file === '-' ? process.stdin : createReadStream(file), crlfDelay: Infinity });
  for await (const text of rl) {
    if (!text.includes('"log":"message"')) continue;
    try {
      const parsed = JSON.parse(text) as Line;
      if (parsed.log === 'message' && typeof parsed.session === 'string' && Array.isArray(parsed.args)) lines.push(parsed);
    } catch {
      // not JSON (a stack trace, a line of another tool): skip
    }
  }
  return lines;
}

/** Gives every `commandId` in a message a fresh id, so replayed commands take effect again. */
function freshIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(freshIds);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'commandId' && typeof v === 'string' ? randomUUID() : freshIds(v)]));
  }
  return value;
}

async function main(): Promise<void> {
  const url = option('url') ?? fail('--url <gateway url> is required');
  const file = option('log') ?? fail('--log <file> (or -) is required');
  const all = await readLog(file);
  if (all.length === 0) fail(`no message-log lines ("log":"message") in ${file}; set MESSAGE_LOG_SAMPLE_RATE on the gateway to record sessions`);
  const counts = new Map<string, Line[]>();
  for (const l of all) counts.set(l.session, [...(counts.get(l.session) ?? []), l]);
  if (flag('list')) {
    for (const [session, lines] of counts) process.stdout.write(`${session}  ${lines[0].tenant}/${lines[0].user}  ${lines.length} messages${lines.every((l) => l.sampled) ? '' : ' (failed messages only: not a sampled session)'}\n`);
    return;
  }
  const session = option('session') ?? [...counts].sort((a, b) => b[1].length - a[1].length)[0][0];
  const lines = (counts.get(session) ?? fail(`session ${session} is not in ${file} (see --list)`)).sort((a, b) => a.t - b.t);
  const tenant = option('tenant') ?? lines[0].tenant;
  const user = option('user') ?? lines[0].user;
  const secret = option('jwt-secret');
  const token = option('token') ?? (secret ? await signToken(secret, { sub: user, tenant }) : fail('give --token <jwt> or --jwt-secret <secret>'));
  const speed = Number(option('speed') ?? '1');
  if (!(speed >= 0)) fail('--speed must be a number >= 0');

  const socket = io(url, { transports: ['websocket'], auth: { token }, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', (e) => reject(new Error(`cannot connect to ${url}: ${e.message}`)));
  }).catch((e: Error) => fail(e.message));
  process.stdout.write(`replaying ${lines.length} messages of session ${session} (${lines[0].tenant}/${lines[0].user}) as ${tenant}/${user} on ${url}\n`);

  let differ = 0;
  const started = Date.now();
  for (const line of lines) {
    if (speed > 0) {
      const due = started + line.t / speed;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    }
    const args = flag('keep-ids') ? line.args : (freshIds(line.args) as unknown[]);
    const result = await socket.timeout(15_000).emitWithAck(line.event, ...args).catch((e: Error) => ({ ok: false, error: { code: 'TIMEOUT', message: e.message } }));
    const outcome = typeof result === 'object' && result !== null && (result as { ok?: unknown }).ok === false ? 'error' : 'ok';
    const recorded = line.outcome === 'refused' ? 'error' : line.outcome;
    if (outcome !== recorded) differ++;
    process.stdout.write(`${String(line.t).padStart(7)} ms  ${line.event.padEnd(12)} recorded ${line.outcome.padEnd(7)} replayed ${outcome}${outcome === 'error' ? ` ${JSON.stringify((result as { error?: unknown }).error)}` : ''}\n`);
  }
  socket.close();
  process.stdout.write(`replayed ${lines.length} messages in ${Date.now() - started} ms; ${differ} outcome(s) differ from the recording\n`);
  if (differ > 0 && flag('strict')) process.exit(1);
}

main().catch((e: Error) => fail(e.stack ?? String(e)));
