/**
 * What a hunt is asked to do. Plain data (structured-cloneable), because every worker thread
 * rebuilds the same rule set from it.
 */
import type { Severity } from '../../rules/index.js';
import type { SourceFormat } from '../../sources/detect.js';

export type IngestedMode = 'event-time' | 'none';

export interface HuntConfig {
  /** Rule files/folders/exports; empty = eqlite's built-in rules. */
  rulePaths: string[];
  /** eqlite allowlist files. */
  allowlists: string[];
  minSeverity?: Severity;
  /** Rule id, id prefix or name substring (case-insensitive); any may match. */
  ruleFilters: string[];
  /** Tags a rule must have one of (`OS: Windows`, case-insensitive). */
  tags: string[];
  /** MITRE tactic names or ids a rule must map one of (`Execution`, `TA0002`). */
  tactics: string[];
  /** Forced input format, or `auto`. */
  format: SourceFormat | 'auto';
  /** Index name for records that carry none. */
  index?: string;
  strictEcs: boolean;
  /** Skip JSON parsing of ECS NDJSON lines that cannot match any rule. */
  prefilter: boolean;
  explain: boolean;
  ingested: IngestedMode;
}

export const DEFAULT_HUNT_CONFIG: HuntConfig = {
  rulePaths: [],
  allowlists: [],
  ruleFilters: [],
  tags: [],
  tactics: [],
  format: 'auto',
  strictEcs: false,
  prefilter: true,
  explain: false,
  ingested: 'event-time',
};

/** A piece of one input that one worker reads from start to end. */
export interface Segment {
  id: number;
  file: string;
  format: SourceFormat;
  /** Byte range of an NDJSON file (lines that start inside it), or EVTX chunk range. */
  start?: number;
  end?: number;
  firstChunk?: number;
  endChunk?: number;
  /** Bytes on disk this segment accounts for (for progress). */
  bytes: number;
}
