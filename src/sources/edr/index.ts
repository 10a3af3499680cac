/**
 * EDR telemetry → Elastic's ECS: CrowdStrike FDR, Microsoft Defender XDR (Advanced Hunting),
 * SentinelOne Cloud Funnel and Elastic Endgame. The entry points the CLI and the engine use:
 *
 * - `detectEdrFormat(head)` / `resolveEdrFormat(forced, head)`: which format a file holds
 *   (`ecs` for already-normalised documents), `--format` forcing;
 * - `readEdrStream(stream, opts)` / `readEdrText(text, opts)`: records of a file, normalised;
 * - `createEdrNormaliser(format, opts)`: a per-input normaliser for records parsed elsewhere;
 * - `normaliseCrowdStrike` / `normaliseDefender` / `normaliseSentinelOne` / `normaliseEndgame`:
 *   one record, stateless.
 */
export {
  EDR_FORMATS,
  type EdrFormat,
  type EdrNormaliseOptions,
  type EdrRecordNormaliser,
  type IngestedPolicy,
  type NormalisedEvent,
  type RawRecord,
} from './common.js';
export {
  classifyRecord,
  detectEdrFormat,
  isEcsDocument,
  isEdrFormat,
  resolveEdrFormat,
  type DetectedFormat,
} from './detect.js';
export { createEdrNormaliser, readEdrStream, readEdrText, type EdrReadOptions } from './reader.js';
export {
  CROWDSTRIKE_DATASET,
  createCrowdStrikeNormaliser,
  fdrRecordKind,
  normaliseCrowdStrike,
} from './crowdstrike-fdr/index.js';
export {
  M365_DATASET,
  createDefenderNormaliser,
  defenderShape,
  inferDefenderTable,
  normaliseDefender,
} from './m365-defender/index.js';
export {
  S1_DATASET,
  createSentinelOneNormaliser,
  isS1Record,
  normaliseSentinelOne,
} from './sentinelone-cloud-funnel/index.js';
export { createEndgameNormaliser, endgameShape, normaliseEndgame } from './endgame/index.js';
