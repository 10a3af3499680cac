/**
 * A pool of worker threads for the CPU-heavy part of ingest (prepare.ts): a bulk is split among
 * the workers while the main thread only writes to the store and runs detection on candidates.
 * Workers run the compiled JavaScript, or the TypeScript sources through tsx (tests, `npx tsx`).
 */
import { Worker } from 'node:worker_threads';
import type { CandidateSpec, PrepareInput, Prepared } from './prepare.js';
import type { PrepareRequest, PrepareResponse } from './prepare-worker.js';

export class PreparePool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, (out: Prepared[]) => void>();
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
          done([]);
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

  /** Prepares items in parallel; results in item order. */
  async prepare(items: PrepareInput[], ingestedMember: string | undefined): Promise<Prepared[]> {
    const n = this.workers.length;
    const per = Math.ceil(items.length / n);
    const parts = await Promise.all(
      this.workers.map((w, i) => {
        const slice = items.slice(i * per, (i + 1) * per);
        if (slice.length === 0) return Promise.resolve([] as Prepared[]);
        const seq = this.seq++;
        const msg: PrepareRequest = { seq, items: slice, ingestedMember };
        if (!this.specSent.has(w)) {
          msg.spec = this.spec;
          this.specSent.add(w);
        }
        return new Promise<Prepared[]>((resolve) => {
          this.pending.set(seq, resolve);
          w.postMessage(msg);
        });
      }),
    );
    const out = parts.flat();
    if (out.length !== items.length) throw new Error('a prepare worker failed');
    return out;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
