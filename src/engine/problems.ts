/**
 * Collects bad-record reports: counts per class and the first few locations of each, so a run can
 * end with a readable summary while nothing is silently dropped.
 */
import type { BadRecord, RecordLocation } from '../sources/types.js';

export interface ProblemClass {
  kind: string;
  count: number;
  first: BadRecord[];
}

export function formatLocation(loc: RecordLocation): string {
  let s = loc.file;
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.offset !== undefined && loc.line === undefined) s += ` @ offset ${loc.offset}`;
  if (loc.record !== undefined) s += ` (record ${loc.record})`;
  return s;
}

export class ProblemLog {
  private readonly classes = new Map<string, ProblemClass>();
  total = 0;

  constructor(
    private readonly keepFirst = 3,
    private readonly onEach?: (p: BadRecord) => void,
  ) {}

  readonly add = (p: BadRecord): void => {
    this.total++;
    let c = this.classes.get(p.kind);
    if (!c) {
      c = { kind: p.kind, count: 0, first: [] };
      this.classes.set(p.kind, c);
    }
    c.count++;
    if (c.first.length < this.keepFirst) c.first.push(p);
    this.onEach?.(p);
  };

  summary(): ProblemClass[] {
    return [...this.classes.values()].sort((a, b) => b.count - a.count);
  }
}
