/**
 * Worker thread of the prepare pool (pool.ts): prepares batches of documents. Requests and
 * answers are columns (arrays of strings, typed arrays), not an object per document, and the
 * answer carries no document text: copying objects between threads cost more than preparing them.
 */
import { writeFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import {
  compileSpec,
  prepareColumns,
  type CandidateSpec,
  type CompiledSpec,
  type PrepareColumnsInput,
  type PreparedColumns,
} from './prepare.js';

export interface PrepareRequest extends PrepareColumnsInput {
  seq: number;
  spec?: CandidateSpec;
}

export interface PrepareResponse {
  seq: number;
  out: PreparedColumns;
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

let spec: CompiledSpec = compileSpec({ always: true, rules: [] });
parentPort?.on('message', (m: PrepareRequest) => {
  if (m.spec) spec = compileSpec(m.spec);
  parentPort?.postMessage({ seq: m.seq, out: prepareColumns(m, spec) } satisfies PrepareResponse);
});
