/**
 * The three ways Elastic's pipelines split `process.command_line` into `process.args`
 * (../shared/docs/ecs-mapping.md, "Splitting process.command_line into process.args").
 * Each source must use its own: rules such as `process.args : "\"C:\\…\""` match under one
 * algorithm and not under another.
 */
import { isJavaWhitespace, javaTrim } from './values.js';

const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * A. Go's `commandLineToArgv` as ported to Painless (CrowdStrike FDR, SentinelOne, Sysmon):
 * separators are space and TAB; backslashes are special only before a quote (2n → n and a
 * toggling quote, 2n+1 → n and a literal quote); `""` inside quotes emits one quote and *leaves*
 * quoted mode (the pre-2008 rule); argv[0] gets the same treatment; surrounding quotes vanish.
 */
export function splitCommandLineGo(cmd: string): string[] {
  const n = cmd.length;
  // Fast path: without quotes (backslashes are then literal) the result is a plain split on space/TAB.
  if (cmd.indexOf('"') < 0) {
    const out: string[] = [];
    let start = -1;
    for (let i = 0; i < n; i++) {
      const c = cmd.charCodeAt(i);
      if (c === SPACE || c === TAB) {
        if (start >= 0) {
          out.push(cmd.slice(start, i));
          start = -1;
        }
      } else if (start < 0) start = i;
    }
    if (start >= 0) out.push(cmd.slice(start));
    return out;
  }

  // Text between quotes is copied as slices; only quotes (and the backslashes before them) are rewritten.
  const args: string[] = [];
  let i = 0;
  while (i < n) {
    const c0 = cmd.charCodeAt(i);
    if (c0 === SPACE || c0 === TAB) {
      i++;
      continue;
    }
    let arg = '';
    let inQuote = false;
    let start = i;
    for (; i < n; i++) {
      const c = cmd.charCodeAt(i);
      if ((c === SPACE || c === TAB) && !inQuote) break;
      if (c !== QUOTE) continue;
      // The backslashes right before the quote: 2n → n and a toggling quote, 2n+1 → n and a literal quote.
      let b = 0;
      while (i - b - 1 >= start && cmd.charCodeAt(i - b - 1) === BACKSLASH) b++;
      arg += cmd.slice(start, i - b);
      if (b > 1) arg += '\\'.repeat(b >> 1);
      if (b % 2 === 0) {
        if (inQuote && i + 1 < n && cmd.charCodeAt(i + 1) === QUOTE) {
          arg += '"';
          i++;
        }
        inQuote = !inQuote;
      } else {
        arg += '"';
      }
      start = i + 1;
    }
    // Backslashes not before a quote are kept as they are (part of the slice).
    arg += cmd.slice(start, i);
    if (i < n) i++; // the separator
    args.push(arg);
  }
  return args;
}

/**
 * B. The quote-aware whitespace split of the Windows Security 4688 pipeline: every `"` toggles a
 * quote flag (no escaping), any Java whitespace outside quotes ends a token, quotes stay in the
 * tokens, and consecutive, leading or trailing whitespace yields empty tokens. An empty command
 * line gives an empty list.
 */
export function splitCommandLineQuoteWhitespace(cmd: string): string[] {
  const out: string[] = [];
  const n = cmd.length;
  let start = 0;
  let inQuote = false;
  for (let i = 0; i < n; i++) {
    const c = cmd.charCodeAt(i);
    if (c === QUOTE) inQuote = !inQuote;
    if (!inQuote && isJavaWhitespace(c)) {
      out.push(cmd.slice(start, i));
      start = i + 1;
    }
    if (i === n - 1) out.push(cmd.slice(start, n));
  }
  return out;
}

/**
 * C. Microsoft Defender XDR's "best effort" split: trim (Java `String.trim`), split on the single
 * character space, drop empty tokens. Quotes stay; TAB is not a separator.
 */
export function splitCommandLineSingleSpace(cmd: string): string[] {
  const t = javaTrim(cmd);
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= t.length; i++) {
    if (i === t.length || t.charCodeAt(i) === SPACE) {
      if (i > start) out.push(t.slice(start, i));
      start = i + 1;
    }
  }
  return out;
}

export type ArgvSplitter = (cmd: string) => string[];

export const ARGV_SPLITTERS = {
  go: splitCommandLineGo,
  'quote-whitespace': splitCommandLineQuoteWhitespace,
  'single-space': splitCommandLineSingleSpace,
} as const satisfies Record<string, ArgvSplitter>;
