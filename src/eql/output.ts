/**
 * How results look in `_eql/search` responses: join key values by type (dates formatted for
 * sequences, epoch milliseconds for samples, IPs dotted), for eqlite's NDJSON output and for the
 * conformance harness (which compares them as Java `toString` text).
 */
import { formatNanos } from './dates.js';
import { formatIpKey } from './ip.js';
import type { KeyValue } from './keys.js';
import type { DataType } from './types.js';

/** The JSON value ES returns for a join key. */
export function joinKeyJson(
  v: KeyValue,
  type: DataType | undefined,
  kind: 'sequence' | 'sample',
): string | number | boolean | null {
  if (v === null) return null;
  if (typeof v === 'bigint') {
    if (kind === 'sample') return Number(v / 1000000n);
    return formatNanos(v, type === 'date_nanos');
  }
  if (type === 'ip' && typeof v === 'string') return formatIpKey(v);
  return v;
}

/** The harness's string form of a join key (`null` → "null", numbers without a fraction as longs). */
export function formatJoinKey(v: KeyValue, type: DataType | undefined, kind: 'sequence' | 'sample'): string {
  const j = joinKeyJson(v, type, kind);
  return j === null ? 'null' : String(j);
}
