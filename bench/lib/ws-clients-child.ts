/**
 * Child process side of ws-clients.ts: opens the WebSocket clients it is
 * told to (bearer header, then one subscribe each), and between `start` and
 * `stop` records, for every update it receives, the push latency (receive
 * time minus the server's `ts`, both from this machine's wall clock, so at
 * millisecond resolution). Reports on `stop`; closes everything and exits on
 * `exit`, or by itself when the parent goes away.
 */
import WebSocket from 'ws';
import type { ClientSpec, ClientsReport, ToChild } from './ws-clients.js';

const sockets: WebSocket[] = [];
let recording = false;
let samples: number[] = [];
let perClient: number[] = [];
let unexpectedCloses = 0;
const closeReasons = new Map<string, number>();

function open(url: string, spec: ClientSpec, index: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${spec.token}` } });
    sockets.push(ws);
    const timer = setTimeout(() => reject(new Error(`client ${index} not subscribed within 30 s`)), 30_000);
    ws.on('message', (data) => {
      const now = Date.now();
      const m = JSON.parse(String(data)) as { type: string; ts?: number };
      if (m.type === 'update') {
        if (recording) {
          samples.push(now - m.ts!);
          perClient[index] = (perClient[index] ?? 0) + 1;
        }
      } else if (m.type === 'ready') {
        ws.send(JSON.stringify({ type: 'subscribe', topics: spec.topics }));
      } else if (m.type === 'subscribed') {
        clearTimeout(timer);
        resolve();
      } else if (m.type === 'error') {
        reject(new Error(`client ${index}: ${String(data)}`));
      }
    });
    ws.on('error', reject);
    ws.once('close', (code, reason) => {
      clearTimeout(timer);
      if (recording || code !== 1000) {
        unexpectedCloses++;
        const key = `${code} ${reason.toString()}`;
        closeReasons.set(key, (closeReasons.get(key) ?? 0) + 1);
      }
      reject(new Error(`client ${index} closed ${code} ${reason.toString()}`));
    });
  });
}

async function connectAll(url: string, clients: ClientSpec[], concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < clients.length) {
      const i = next++;
      await open(url, clients[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

function report(): ClientsReport {
  const counts = Array.from({ length: sockets.length }, (_, i) => perClient[i] ?? 0);
  return {
    samples,
    received: samples.length,
    minPerClient: Math.min(...counts),
    maxPerClient: Math.max(...counts),
    unexpectedCloses,
    closeReasons: [...closeReasons].map(([reason, n]) => `${n}x ${reason}`),
  };
}

const reply = (m: unknown) => process.send?.(m);

process.on('message', (m: ToChild) => {
  switch (m.type) {
    case 'connect':
      connectAll(m.url, m.clients, m.concurrency).then(
        () => reply({ type: 'connected', count: sockets.length }),
        (err: unknown) => reply({ type: 'failed', error: String(err instanceof Error ? err.stack : err) }),
      );
      break;
    case 'start':
      samples = [];
      perClient = [];
      recording = true;
      reply({ type: 'started' });
      break;
    case 'stop':
      recording = false;
      reply({ type: 'report', report: report() });
      break;
    case 'exit':
      for (const ws of sockets) ws.terminate();
      process.exit(0);
  }
});
process.once('disconnect', () => process.exit(0));
