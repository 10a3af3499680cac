/**
 * Compiling a rule's EQL query with the EQL core, with the rule's EQL settings, and mapping a
 * query error back to its line and column in the rule file.
 */
import { compileQuery, EqlError, type CompiledQuery, type Schema } from '../eql/index.js';
import type { KeyLocation } from './toml-locate.js';
import { relativeOffsetMs } from './date-math.js';
import type { Rule, RuleProblem } from './model.js';

export interface QueryPlacement {
  /** Where the `query` value starts in the file (computed only when an error needs it). */
  location?: () => KeyLocation | undefined;
  /** The whole file, for the caret excerpt. */
  fileText?: string;
  /** For export lines: the NDJSON line, reported with the position inside the query. */
  ndjsonLine?: number;
}

/**
 * Line offset and first-line column offset of the query text inside the file. A multi-line
 * string that starts with a newline begins on the next line (TOML drops that newline).
 */
function queryOffsets(loc: KeyLocation, fileText: string): [number, number] | undefined {
  const lines = fileText.split(/\r\n|\r|\n/);
  const line = lines[loc.valueLine - 1] ?? '';
  let quote: number;
  switch (loc.valueKind) {
    case 'literal-multiline':
    case 'basic-multiline':
      quote = 3;
      break;
    case 'literal':
    case 'basic':
      quote = 1;
      break;
    default:
      return undefined;
  }
  const contentCol = loc.valueColumn + quote;
  if (quote === 3 && line.slice(contentCol - 1).trim() === '') return [loc.valueLine, 0];
  return [loc.valueLine - 1, contentCol - 1];
}

export function compileRuleQuery(
  rule: Rule,
  schema: Schema | undefined,
  placement: QueryPlacement,
): { query?: CompiledQuery; problems: RuleProblem[] } {
  const base = { file: rule.source.file, ruleId: rule.ruleId, ruleName: rule.name, key: 'rule.query' };
  try {
    const query = compileQuery(rule.query, {
      schema,
      eventCategoryField: rule.eventCategoryOverride,
      timestampField: rule.timestampField,
      tiebreakerField: rule.tiebreakerField,
    });
    return { query, problems: scheduleWarnings(rule, query) };
  } catch (e) {
    if (!(e instanceof EqlError)) throw e;
    const code = `eql-${e.kind}`;
    const { fileText, ndjsonLine } = placement;
    const location = placement.location?.();
    const offsets = location && fileText !== undefined ? queryOffsets(location, fileText) : undefined;
    if (offsets && e.span && fileText !== undefined) {
      const moved = e.relocate(offsets[0], offsets[1], fileText);
      const span = moved.span as NonNullable<typeof moved.span>;
      return {
        problems: [
          {
            ...base,
            severity: 'error',
            code,
            message: e.detail,
            line: span.start.line,
            column: span.start.column,
            excerpt: moved.format().split('\n').slice(1).join('\n'),
          },
        ],
      };
    }
    const inQuery = e.span ? ` (query line ${e.span.start.line}:${e.span.start.column})` : '';
    return {
      problems: [
        {
          ...base,
          severity: 'error',
          code,
          message: `${e.detail}${inQuery}`,
          line: ndjsonLine ?? location?.line,
          excerpt: e.span ? e.format().split('\n').slice(1).join('\n') : undefined,
        },
      ],
    };
  }
}

/**
 * The repository's scheduling checks for EQL rules, as warnings: a sequence longer than the
 * look-back window (plus Kibana's overlap) can be cut in two by consecutive runs.
 */
function scheduleWarnings(rule: Rule, query: CompiledQuery): RuleProblem[] {
  const out: RuleProblem[] = [];
  const base = { file: rule.source.file, ruleId: rule.ruleId, ruleName: rule.name };
  const maxspanMs = query.maxspanNanos !== undefined ? query.maxspanNanos / 1e6 : undefined;
  if (maxspanMs === undefined) return out;
  const from = relativeOffsetMs(rule.schedule.from);
  const to = relativeOffsetMs(rule.schedule.to);
  if (from !== undefined && to !== undefined && to - from + 10 * 60_000 < maxspanMs) {
    out.push({
      ...base,
      severity: 'warning',
      code: 'schedule',
      key: 'rule.from',
      message: `look-back ${rule.schedule.from}..${rule.schedule.to} (+10m) is shorter than the sequence maxspan; Kibana's scheduled runs can miss sequences`,
    });
  }
  if (maxspanMs > 150_000 && rule.schedule.intervalMs < maxspanMs / 2) {
    out.push({
      ...base,
      severity: 'info',
      code: 'schedule',
      key: 'rule.interval',
      message: `interval ${rule.schedule.interval} is less than half the sequence maxspan (detection-rules asks for at least half)`,
    });
  }
  return out;
}
