/**
 * The flooding session of `bench/flood.ts`, in a process of its own so that sending thousands of
 * messages a second does not slow down the process that times the other users' deliveries.
 * Protocol over the IPC channel: parent → `{ start }`; child → `ready`, `progress` each second, `done`.
 */
import type { CommandAck } from '@tandem/contracts';
import { increment, joinRoom } from './room';

export interface FlooderOptions {
  url: string;
  token: string;
  docId: string;
  perSecond: number;
  seconds: number;
}

export type FlooderMessage =
  | { type: 'ready' }
  | { type: 'progress'; sent: number; answered: number }
  | { type: 'done'; sent: number; seconds: number; cpuSeconds: number; answers: Record<string, number> }
  | { type: 'failed'; message: string };

const send = (message: FlooderMessage) => process.send?.(message);

async function flood(options: FlooderOptions): Promise<void> {
  const socket = await joinRoom(options.url, options.token, options.docId);
  send({ type: 'ready' });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  const answers: Record<string, number> = {};
  let sent = 0;
  let answered = 0;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const end = started + options.seconds * 1000;
  const onAck = (ack: CommandAck | null) => {
    const key = ack === null ? 'no answer within 10 s' : ack.ok ? 'ok' : ack.error.code;
    answers[key] = (answers[key] ?? 0) + 1;
    answered++;
  };
  const progress = setInterval(() => send({ type: 'progress', sent, answered }), 1000);
  // Every 5 ms, catch up with the schedule, so timer drift does not lower the rate.
  while (performance.now() < end) {
    const due = Math.floor(((performance.now() - started) / 1000) * options.perSecond);
    for (; sent < due; sent++) increment(socket, options.docId, `flood-${process.pid}-${sent}`, onAck);
    await new Promise((r) => setTimeout(r, 5));
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const deadline = Date.now() + 11_000;
  while (answered < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  clearInterval(progress);
  socket.close();
  send({ type: 'done', sent, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, answers });
}

flood(JSON.parse(process.env.FLOODER_OPTIONS ?? '{}') as FlooderOptions).then(
  () => process.disconnect?.(),
  (error: Error) => {
    send({ type: 'failed', message: error.message });
    process.disconnect?.();
  },
);
