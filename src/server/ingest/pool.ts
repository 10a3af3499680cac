/**
 * A pool of worker threads for the CPU-heavy part of ingest (prepare.ts): a bulk is split among
 * the workers while the main thread only writes to the store and runs detection on candidates.
 * Workers run the compiled JavaScript, or the TypeScript sources through tsx (tests, `npx tsx`).
 */
import { Worker } from 'node:worker_threads';

import type { CandidateSpec, PrepareColumnsInput, PreparedColumns } from './prepare.js';
import type { PrepareRequest, PrepareResponse } from './prepare-worker.js';

/** A batch for the pool: the columns a worker prepares, without the ingest time (given per call). */
export type PrepareBatch = Omit<PrepareColumnsInput, 'ingestedMember'>;

export class PreparePool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, (out: PreparedColumns | undefined) => void>();
  private seq = 0;
  private specSent = new WeakSet<Worker>();
  private spec: CandidateSpec = { always: true, rules: [] };
  private closing = false;
  /** Set when a worker died: the pool must not be used any more. */
  broken = false;

  constructor(size: number) {
    const ts = import.meta.url.endsWith('.ts');
    const url = new URL(ts ? './prepare-worker.ts' : './prepare-worker.js', import.meta.url);
    for (let i = 0; i < size; i++) {
      // Under a TypeScript loader the worker registers tsx itself (workers ignore --import).
      const w = ts
        ? new Worker(
            `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`,
            { eval: true },
          )
        : new Worker(url);
      w.unref();
      w.on('message', (m: PrepareResponse) => {
        const done = this.pending.get(m.seq);
        this.pending.delete(m.seq);
        done?.(m.out);
      });
      const fail = (why: string) => {
        // A worker that dies fails its pending batches (the shipper gets a 500 and resends); from
        // then on the ingestor prepares documents itself.
        this.broken = true;
        for (const [seq, done] of this.pending) {
          this.pending.delete(seq);
          done(undefined);
        }
        process.stderr.write(
          `eqlite serve: prepare worker failed (${why}); preparing on the main thread from now on\n`,
        );
      };
      w.on('error', (err) => fail(err.message));
      w.on('exit', (code) => {
        if (!this.closing) fail(`exit code ${code}`);
      });
      this.workers.push(w);
    }
  }

  setSpec(spec: CandidateSpec): void {
    this.spec = spec;
    this.specSent = new WeakSet();
  }

  /** Prepares a batch in parallel; results in document order. */
  async prepare(batch: PrepareBatch, ingestedMember: string | undefined): Promise<PreparedColumns> {
    const n = this.workers.length;
    const total = batch.texts.length;
    const per = Math.ceil(total / n);
    const parts = await Promise.all(
      this.workers.map((w, i) => {
        const from = i * per;
        const to = Math.min(total, from + per);
        if (from >= to) return Promise.resolve(undefined);
        const seq = this.seq++;
        const whole = from === 0 && to === total;
        const msg: PrepareRequest = {
          seq,
          texts: whole ? batch.texts : batch.texts.slice(from, to),
          indices: batch.indices,
          routes: batch.routes,
          indexOf: whole ? batch.indexOf : batch.indexOf.subarray(from, to),
          ids: whole ? batch.ids : batch.ids.slice(from, to),
          ingestedMember,
        };
        if (!this.specSent.has(w)) {
          msg.spec = this.spec;
          this.specSent.add(w);
        }
        return new Promise<PreparedColumns | undefined>((resolve) => {
          this.pending.set(seq, resolve);
          w.postMessage(msg);
        });
      }),
    );
    const done = parts.filter((p): p is PreparedColumns => p !== undefined);
    if (done.reduce((k, p) => k + p.flags.length, 0) !== total) throw new Error('a prepare worker failed');
    return done.length === 1 ? done[0] : concatColumns(done, total);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function concatColumns(parts: PreparedColumns[], total: number): PreparedColumns {
  const out: PreparedColumns = {
    flags: new Uint8Array(total),
    ids: [],
    ts: new Float64Array(total),
    ing: new Float64Array(total),
    hosts: [],
    reasons: [],
  };
  let at = 0;
  for (const p of parts) {
    out.flags.set(p.flags, at);
    out.ts.set(p.ts, at);
    out.ing.set(p.ing, at);
    for (let i = 0; i < p.flags.length; i++) {
      out.ids.push(p.ids[i]);
      out.hosts.push(p.hosts[i]);
      out.reasons.push(p.reasons[i]);
    }
    at += p.flags.length;
  }
  return out;
}
