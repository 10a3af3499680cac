/**
 * A bounded reorder buffer for streams whose events arrive roughly, not exactly, in time order
 * (several shippers, network delays). Events are held until the stream has moved `windowMs` past
 * them, then released in ordinal order. An event older than one already released arrives too late
 * to be placed: it is returned as late and counted, never silently reordered into the past.
 *
 * Memory is bounded by the window (events within `windowMs` of the newest) and by `maxHeld`,
 * beyond which the oldest events are released early (and counted as forced releases).
 */
import { compareOrdinals, type Ordinal } from './ordinal.js';

export interface ReorderStats {
  held: number;
  released: number;
  late: number;
  forced: number;
}

export class ReorderBuffer<T> {
  readonly stats: ReorderStats = { held: 0, released: 0, late: 0, forced: 0 };
  private heap: Array<{ o: Ordinal; v: T }> = [];
  private newest = -Infinity;
  private lastReleased: Ordinal | undefined;

  constructor(
    private readonly windowMs: number,
    private readonly maxHeld = 1_000_000,
  ) {}

  /** Adds an event; returns events now safe to process, in order, and whether this one was late. */
  push(v: T, o: Ordinal): { ready: T[]; late: boolean } {
    if (this.lastReleased && compareOrdinals(o, this.lastReleased) < 0) {
      this.stats.late++;
      return { ready: [], late: true };
    }
    this.insert(v, o);
    if (o.ms > this.newest) this.newest = o.ms;
    return { ready: this.release(this.newest - this.windowMs), late: false };
  }

  /** Releases everything older than `watermarkMs` (also called on idle ticks of a live stream). */
  release(watermarkMs: number): T[] {
    const out: T[] = [];
    while (this.heap.length && (this.heap[0].o.ms <= watermarkMs || this.heap.length > this.maxHeld)) {
      if (this.heap[0].o.ms > watermarkMs) this.stats.forced++;
      const top = this.pop();
      this.lastReleased = top.o;
      out.push(top.v);
    }
    this.stats.held = this.heap.length;
    this.stats.released += out.length;
    return out;
  }

  /** End of input: everything, in order. */
  flush(): T[] {
    return this.release(Infinity);
  }

  private insert(v: T, o: Ordinal): void {
    const h = this.heap;
    h.push({ o, v });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (compareOrdinals(h[p].o, h[i].o) <= 0) break;
      [h[p], h[i]] = [h[i], h[p]];
      i = p;
    }
    this.stats.held = h.length;
  }

  private pop(): { o: Ordinal; v: T } {
    const h = this.heap;
    const top = h[0];
    const last = h.pop() as { o: Ordinal; v: T };
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && compareOrdinals(h[l].o, h[m].o) < 0) m = l;
        if (r < h.length && compareOrdinals(h[r].o, h[m].o) < 0) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return top;
  }
}
