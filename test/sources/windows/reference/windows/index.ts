/**
 * The reference `normaliseWinEvent`, exactly as src/sources/windows/index.ts defined it at the
 * frozen commit (see ../README.md).
 */
import type { RecordLocation } from '../types.js';
import { buildWinlogDoc, type WinlogDocOptions } from './winlog-doc.js';
import { normaliseOwnedWinlogDoc, type NormalisedEvent, type NormaliseOptions } from './normalise.js';
import type { XmlElement } from './xml-tree.js';

export type WinEventOptions = NormaliseOptions & WinlogDocOptions;

export function normaliseWinEvent(tree: XmlElement, opts: WinEventOptions = {}): NormalisedEvent | undefined {
  const loc: RecordLocation = opts.loc ?? { file: '-' };
  const doc = buildWinlogDoc(tree, loc, opts.sink, opts);
  if (doc === undefined) return undefined;
  return normaliseOwnedWinlogDoc(doc, { ...opts, loc, reingest: true });
}

export { buildWinlogDoc } from './winlog-doc.js';
export { normaliseOwnedWinlogDoc, normaliseWinlogDoc } from './normalise.js';
