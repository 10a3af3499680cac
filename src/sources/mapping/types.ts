/**
 * Declarative mapping steps: the equivalent of an Elasticsearch ingest pipeline (or a pySigma
 * processing pipeline), written as data. A normaliser is an array of steps; `compileMapping`
 * turns it once into closures that run on millions of events.
 *
 * Semantics follow Elasticsearch's processors where a processor exists (set, copy_from, rename,
 * convert, date, append, remove, split, gsub, lowercase, trim) so a pipeline can be transcribed
 * step for step. Missing source values never fail a step: the step is skipped, as with
 * `ignore_missing: true`. Conversion failures are reported (see `onError`) and leave the document
 * as Elasticsearch's `ignore_failure: true` would.
 */

/**
 * A field of the document, dotted (`process.parent.pid`), or a segment list when a name itself
 * contains dots. A path whose first segment starts with `$` addresses run-scoped scratch variables
 * (`$hashes`, `$user.parts`) that never reach the output document.
 */
export type FieldPath = string | readonly string[];

export type Scalar = string | number | boolean | null;

/** A JSON-like constant. Arrays and objects are copied for every event, never shared. */
export type Json = Scalar | readonly Json[] | { readonly [k: string]: Json };

/** What a failed conversion does: report a problem (default) or stay silent. */
export type OnError = 'report' | 'ignore';

/** Read access to a mapping run, for conditions and custom steps. */
export interface MappingRun {
  /** The document being mapped (mutable). */
  doc: Record<string, unknown>;
  /** Scratch variables (`$name` paths). */
  vars: Record<string, unknown>;
  /** Reports a problem with this record; mapping continues. */
  report(kind: string, message: string): void;
  /**
   * `delete obj[key]`, deferred when `obj` is an object whose deletes the mapping defers (see
   * `Mapping.deferDeletes`). What `deferSafe` scripts use instead of `delete`.
   */
  remove(obj: Record<string, unknown>, key: string): void;
  /** `obj[key] = value`, moving a key deleted earlier in the run to the end as a real delete would. */
  put(obj: Record<string, unknown>, key: string, value: unknown): void;
}

export type Cond =
  /** The value is neither undefined nor null. */
  | { exists: FieldPath }
  /** The value is undefined or null. */
  | { missing: FieldPath }
  /** The value exists and is not the empty string (nor, when listed, one of `except`). */
  | { present: FieldPath; except?: readonly Scalar[] }
  | { eq: FieldPath; value: Scalar }
  | { ne: FieldPath; value: Scalar }
  /** The value is one of `values` (strict equality; strings compared as strings). */
  | { in: FieldPath; values: readonly Scalar[] }
  /** The string value matches the regular expression. */
  | { matches: FieldPath; pattern: RegExp }
  | { all: readonly Cond[] }
  | { any: readonly Cond[] }
  | { not: Cond }
  /** Escape hatch for conditions the table cannot express. */
  | { test: (run: MappingRun) => boolean };

interface StepBase {
  /** Run the step only when the condition holds. */
  if?: Cond;
  /** A label used in problem messages and benchmarks. */
  tag?: string;
}

/** Options for steps reading one source value. */
interface SourceOptions {
  /** Source values treated as absent (skip the step), e.g. `['', '-']`. */
  skip?: readonly Scalar[];
}

/** `set` with a constant value (Elasticsearch `set` processor with `value`). */
export interface SetStep extends StepBase {
  op: 'set';
  field: FieldPath;
  value: Json;
  /** When false, an existing non-null value is kept. Default true. */
  override?: boolean;
}

/** Copy a value (Elasticsearch `set` with `copy_from`). The source stays. */
export interface CopyStep extends StepBase, SourceOptions {
  op: 'copy';
  field: FieldPath;
  from: FieldPath;
  override?: boolean;
  /** Skip empty strings (and null), like `ignore_empty_value`. Default true. */
  ignoreEmpty?: boolean;
}

/** Move a value (Elasticsearch `rename`). The source is removed. */
export interface RenameStep extends StepBase, SourceOptions {
  op: 'rename';
  field: FieldPath;
  from: FieldPath;
  /** Skip empty strings. Default true (the Windows pipelines all guard on `!= ""`). */
  ignoreEmpty?: boolean;
}

export type ConvertType =
  /** Decimal, or hexadecimal with `0x` (Elasticsearch `convert` to long/integer). */
  | 'long'
  /** Java `Long.decode`: decimal, `0x`/`#` hexadecimal, leading-zero octal (Painless scripts). */
  | 'decode'
  | 'double'
  /** `true`/`false`, case-insensitive. */
  | 'boolean'
  /** A valid IPv4 or IPv6 address; the text is kept as written. */
  | 'ip'
  | 'string';

/** Elasticsearch `convert`: in place, or to another field (the source then stays unless `removeSource`). */
export interface ConvertStep extends StepBase, SourceOptions {
  op: 'convert';
  field: FieldPath;
  from?: FieldPath;
  type: ConvertType;
  removeSource?: boolean;
  onError?: OnError;
}

/**
 * Date formats: `ISO8601` (any fraction length, `Z`, offset or none), Java-style patterns made of
 * `yyyy MM dd HH mm ss SSS` and literal characters, `UNIX` (epoch seconds, fractional),
 * `UNIX_MS` (epoch milliseconds).
 */
export type DateFormat = string;

/**
 * Elasticsearch `date`: parse with the first matching format, write `YYYY-MM-DDTHH:mm:ss.SSSZ`
 * (milliseconds, truncated, never rounded: that is what every Elastic date processor stores).
 */
export interface DateStep extends StepBase, SourceOptions {
  op: 'date';
  field: FieldPath;
  from: FieldPath;
  formats: readonly DateFormat[];
  /** Offset in minutes applied to values without a zone. Default 0 (UTC). */
  timezoneOffsetMinutes?: number;
  /** `seconds` writes `YYYY-MM-DDTHH:mm:ssZ` (Fleet's `event.ingested`). Default `millis`. */
  precision?: 'millis' | 'seconds';
  onError?: OnError;
}

/**
 * Table lookup keyed by a field's value; the entry's keys are written under `into`
 * (`{ "1": { category: ["process"], type: ["start"], action: "Process creation" } }` into `event`).
 */
export interface LookupStep extends StepBase {
  op: 'lookup';
  key: FieldPath;
  into: FieldPath;
  table: { readonly [key: string]: { readonly [field: string]: Json } };
}

/** Value mapping: `field = table[from]`, skipped when the key is not in the table (unless `default`). */
export interface MapStep extends StepBase {
  op: 'map';
  field: FieldPath;
  from: FieldPath;
  table: { readonly [key: string]: Json };
  /** Applied to the key before lookup. */
  keyCase?: 'lower' | 'upper';
  default?: Json;
}

/** Bit flags of a numeric value (`0x…` or decimal) to the list of names whose mask is fully set. */
export interface FlagsStep extends StepBase, SourceOptions {
  op: 'flags';
  field: FieldPath;
  from: FieldPath;
  /** `[mask, name]` in output order. */
  table: readonly (readonly [number, string])[];
  onError?: OnError;
}

/** Last segment of a path: `C:\a\b.exe` gives `b.exe`. */
export interface BasenameStep extends StepBase, SourceOptions {
  op: 'basename';
  field: FieldPath;
  from: FieldPath;
  /** Separators; default `\`. */
  separators?: string;
  /** With no separator in the value: `skip` (default) or `whole` (the value itself). */
  whenNoSeparator?: 'skip' | 'whole';
  /** Do not overwrite an existing value. Default true. */
  keepExisting?: boolean;
}

/** `DOMAIN\user` to two fields, only when the split gives exactly two parts. */
export interface DomainUserStep extends StepBase, SourceOptions {
  op: 'domainUser';
  from: FieldPath;
  domain: FieldPath;
  name: FieldPath;
  separator?: string;
}

/**
 * A hash list (`SHA1=…,MD5=…,IMPHASH=…`) to `{ sha1: …, md5: … }` with lower-cased keys and values,
 * all-zero values dropped; values also appended to `related` when given.
 */
export interface HashListStep extends StepBase {
  op: 'hashList';
  from: FieldPath;
  field: FieldPath;
  related?: FieldPath;
  pairSeparator?: string;
  valueSeparator?: string;
}

/**
 * Recursive clean-up of a subtree (the "drop null values" scripts several Elastic pipelines end
 * with): removes, in objects and (by default) inside arrays, values equal to one of `values`,
 * strings blank after Java `trim` when `blankStrings`, and objects / arrays left empty when
 * `emptyContainers`. Undefined values are always removed.
 */
export interface PruneStep extends StepBase {
  op: 'prune';
  /** Subtree to sweep; default the whole document. */
  field?: FieldPath;
  values?: readonly Scalar[];
  blankStrings?: boolean;
  emptyContainers?: boolean;
  /** Prune list elements too. Default true. */
  inArrays?: boolean;
}

/** Removes the entries of an object whose value is one of `values` (and the object when emptied, if asked). */
export interface CleanStep extends StepBase {
  op: 'clean';
  field: FieldPath;
  values: readonly Scalar[];
  /** Also remove undefined entries. Default true. */
  dropUndefined?: boolean;
  removeIfEmpty?: boolean;
}

/** Which `process.command_line` splitter (see `argv.ts`). */
export type ArgvAlgorithm = 'go' | 'quote-whitespace' | 'single-space';

/** Splits a command line into an argument list (and its count). */
export interface ArgvStep extends StepBase, SourceOptions {
  op: 'argv';
  from: FieldPath;
  args: FieldPath;
  count?: FieldPath;
  algorithm: ArgvAlgorithm;
  /** Skip empty command lines (Sysmon's pipeline does; 4688's does not). Default true. */
  ignoreEmpty?: boolean;
}

/** Elasticsearch `append`: adds to a list (creating it), optionally without duplicates. */
export interface AppendStep extends StepBase, SourceOptions {
  op: 'append';
  field: FieldPath;
  /** Either a constant or a source field (list values are appended one by one). */
  value?: Json;
  from?: FieldPath;
  /** `allow_duplicates: false`. Default true (unique). */
  unique?: boolean;
  ignoreEmpty?: boolean;
}

export interface RemoveStep extends StepBase {
  op: 'remove';
  fields: readonly FieldPath[];
}

/** Elasticsearch `split`: a string to a list. */
export interface SplitStep extends StepBase, SourceOptions {
  op: 'split';
  field: FieldPath;
  from?: FieldPath;
  separator: string | RegExp;
  /** Java `String.split` drops trailing empty strings; keep them with true. */
  preserveTrailing?: boolean;
}

/** Elasticsearch `json`: parse a JSON string (to `field`, or in place); failure → `field-format` problem. */
export interface JsonStep extends StepBase, SourceOptions {
  op: 'json';
  field: FieldPath;
  from?: FieldPath;
  onError?: OnError;
}

export interface StringStep extends StepBase {
  op: 'lowercase' | 'uppercase' | 'trim';
  field: FieldPath;
  from?: FieldPath;
}

/** Elasticsearch `gsub` (global replace, `$1` group references). */
export interface GsubStep extends StepBase {
  op: 'gsub';
  field: FieldPath;
  from?: FieldPath;
  pattern: RegExp;
  replacement: string;
}

/** A template of constants and field values (`{{file.directory}}\{{file.name}}`). Missing fields render as empty. */
export interface ConcatStep extends StepBase {
  op: 'concat';
  field: FieldPath;
  parts: readonly (string | { field: FieldPath })[];
}

/** Conditional block. */
export interface WhenStep extends StepBase {
  op: 'when';
  cond: Cond;
  then: readonly Step[];
  else?: readonly Step[];
}

/** Dispatch on a field's value (e.g. the event id) to per-value step lists: one hash lookup. */
export interface SwitchStep extends StepBase {
  op: 'switch';
  on: FieldPath;
  cases: { readonly [value: string]: readonly Step[] };
  default?: readonly Step[];
}

/**
 * Runs `steps` in order, exactly as a plain list would, but compiled per value of `on`: steps whose
 * condition is `{ in: on, … }` or `{ eq: on, … }` are pre-selected for each value, so an event pays
 * one hash lookup instead of evaluating every condition. The steps must not change `on`.
 */
export interface DispatchStep extends StepBase {
  op: 'dispatch';
  on: FieldPath;
  steps: readonly Step[];
}

/** A named custom step, for the few transformations a table cannot express (Painless scripts). */
export interface ScriptStep extends StepBase {
  op: 'script';
  name: string;
  run: (run: MappingRun) => void;
  /**
   * The script reads the objects of `Mapping.deferDeletes` by property name only (no enumeration,
   * `in`, `hasOwnProperty`, `Object.keys`, no references kept), and deletes or writes their keys
   * only through `run.remove` / `run.put`: deferred deletes then need not be carried out before it.
   */
  deferSafe?: boolean;
}

export type Step =
  | SetStep
  | CopyStep
  | RenameStep
  | ConvertStep
  | DateStep
  | LookupStep
  | MapStep
  | FlagsStep
  | BasenameStep
  | DomainUserStep
  | HashListStep
  | CleanStep
  | PruneStep
  | ArgvStep
  | AppendStep
  | RemoveStep
  | SplitStep
  | JsonStep
  | StringStep
  | GsubStep
  | ConcatStep
  | WhenStep
  | SwitchStep
  | DispatchStep
  | ScriptStep;

/** A named mapping: what `compileMapping` takes. */
export interface Mapping {
  name: string;
  steps: readonly Step[];
  /**
   * Objects (paths) whose key deletes are deferred: a deleted key reads as absent at once, and the
   * object is rebuilt without it (same remaining keys, order and values) when the run ends, or
   * before a step that reads or replaces the object as a whole or runs code that could see the
   * difference (a `script` not marked `deferSafe`, a `test` condition). V8 turns an object into a
   * slow hash table on its first delete; a rebuilt object keeps fast properties. The object at such
   * a path may therefore be replaced by an equal one: hold no reference to it across steps (nor
   * across `apply`). Only the generated form defers; the interpreted form deletes at once.
   */
  deferDeletes?: readonly FieldPath[];
}
