/**
 * Windows event logs → ECS: the entry points the CLI and the server use.
 *
 * - `normaliseWinEvent(tree, opts)`: an `<Event>` tree from the EVTX or XML readers.
 * - `normaliseWinlogDoc(doc, opts)`: a Winlogbeat / Elastic Agent winlog document (JSON).
 * - `buildWinlogDoc(tree, …)`: the winlog document alone (`eqlite dump --raw`).
 * - `readWinlogbeatJson` / `sniffWinlogbeat`: the JSON reader and its format detection.
 */
import type { RecordLocation } from '../types.js';
import { buildWinlogDoc, type WinlogDocOptions } from './winlog-doc.js';
import { normaliseOwned, type NormalisedEvent, type NormaliseOptions } from './normalise.js';
import type { XmlElement } from './xml-tree.js';

export type WinEventOptions = NormaliseOptions & WinlogDocOptions;

/**
 * `<Event>` tree → ECS document and its data stream. Returns `undefined` (after reporting to
 * `opts.sink`) only for a record without a usable System block.
 */
export function normaliseWinEvent(tree: XmlElement, opts: WinEventOptions = {}): NormalisedEvent | undefined {
  const loc: RecordLocation = opts.loc ?? { file: '-' };
  const doc = buildWinlogDoc(tree, loc, opts.sink, opts);
  if (doc === undefined) return undefined;
  // Built fresh from the tree: it always needs the pipeline, and nobody else holds it.
  return normaliseOwned(doc, opts, loc, true);
}

export { buildWinlogDoc, rfc3339Nano, type WinlogDocOptions } from './winlog-doc.js';
export {
  DEFAULT_ROUTE,
  looksIngested,
  normaliseWinlogDoc,
  precompileWindowsPipelines,
  routeChannel,
  ROUTES,
  type IngestedPolicy,
  type NormalisedEvent,
  type NormaliseOptions,
  type WindowsDataStream,
} from './normalise.js';
export {
  readWinlogbeatFile,
  readWinlogbeatJson,
  sniffWinlogbeat,
  type WinlogbeatReadOptions,
} from './winlogbeat-reader.js';
