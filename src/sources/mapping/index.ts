/**
 * The data-driven mapping engine shared by every normaliser (Windows, CrowdStrike, Defender,
 * SentinelOne, Endgame). See README.md in this folder.
 */
export type {
  ArgvAlgorithm,
  Cond,
  ConvertType,
  DateFormat,
  FieldPath,
  Json,
  Mapping,
  MappingRun,
  OnError,
  Scalar,
  Step,
} from './types.js';
export {
  compileMapping,
  cloneJson,
  setAdaptiveThreshold,
  type CompiledMapping,
  type MappingReport,
} from './compile.js';
export { compilePath, isObject, type Accessor } from './path.js';
export {
  ARGV_SPLITTERS,
  splitCommandLineGo,
  splitCommandLineQuoteWhitespace,
  splitCommandLineSingleSpace,
  type ArgvSplitter,
} from './argv.js';
export {
  convertValue,
  decodeLong,
  FAIL,
  formatMillis,
  formatSeconds,
  isJavaWhitespace,
  javaTrim,
  parseDate,
  parseIso8601,
  toLong,
} from './values.js';
