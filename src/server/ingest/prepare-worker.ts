/** Worker thread of the prepare pool (pool.ts): prepares batches of documents. */
import { writeFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { compileSpec, prepare, type CandidateSpec, type PrepareInput, type Prepared } from './prepare.js';

export interface PrepareRequest {
  seq: number;
  items: PrepareInput[];
  ingestedMember: string | undefined;
  spec?: CandidateSpec;
}

export interface PrepareResponse {
  seq: number;
  out: Prepared[];
}

/** Names the calling thread (Linux), so `top -H` and the bench tell eqlite's threads apart. */
export function nameThread(name: string): void {
  try {
    writeFileSync('/proc/thread-self/comm', name.slice(0, 15));
  } catch {
    // Not Linux: threads stay unnamed.
  }
}

if (parentPort) nameThread('eqlite-prepare');

let spec: CandidateSpec = { always: true, rules: [] };
parentPort?.on('message', (m: PrepareRequest) => {
  if (m.spec) spec = compileSpec(m.spec);
  const out = m.items.map((it) => prepare(it, m.ingestedMember, spec));
  parentPort?.postMessage({ seq: m.seq, out } satisfies PrepareResponse);
});
