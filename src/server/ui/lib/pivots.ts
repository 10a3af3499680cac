/**
 * Which API pivot a guide's investigate marker is. Guides place markers in any order
 * (`$investigate_2` before `$investigate_0`), so the N-th marker is matched to the pivot of the
 * same label (and description), in order among equal labels; only a marker no label matches
 * falls back to its position.
 */
import type { MdPlugin } from './markdown.js';

export interface PivotRef {
  index: number;
  label: string;
  description?: string;
}

/** Marker occurrence → pivot index, for the investigate markers that have a pivot. */
export function matchPivots(markers: readonly MdPlugin[], pivots: readonly PivotRef[]): Map<number, number> {
  const out = new Map<number, number>();
  const used = new Set<number>();
  const investigate = markers.filter((m) => m.plugin === 'investigate' && !m.error);
  for (const m of investigate) {
    const same = pivots.filter((p) => !used.has(p.index) && p.label === m.label);
    const hit = same.find((p) => (p.description ?? '') === m.description) ?? same[0];
    if (hit) {
      out.set(m.occurrence, hit.index);
      used.add(hit.index);
    }
  }
  for (const m of investigate) {
    if (out.has(m.occurrence)) continue;
    const byPosition = pivots.find((p) => p.index === m.occurrence && !used.has(p.index));
    if (byPosition) {
      out.set(m.occurrence, byPosition.index);
      used.add(byPosition.index);
    }
  }
  return out;
}
