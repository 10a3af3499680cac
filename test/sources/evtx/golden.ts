/**
 * Helpers for the golden tests: load the shared fixtures' expected output (evtxexport XML) and
 * compare event trees value by value, applying only the documented deviations between peers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readWindowsXml } from '../../../src/sources/windows/xml-reader.js';
import type { XmlElement, XmlNode } from '../../../src/sources/windows/xml-tree.js';

export const FIXTURES = join(import.meta.dirname, '../../../../shared/fixtures');
export const EVTX_DIR = join(FIXTURES, 'evtx');
export const EXPECTED_DIR = join(FIXTURES, 'evtx-expected');

export interface SummaryRow {
  file: string;
  bytes: number;
  evtxexportRc: number;
  evtxexportRecords: number;
  evtxinfoRecords: number;
  expected: string;
}

export function loadSummary(): SummaryRow[] {
  const lines = readFileSync(join(EXPECTED_DIR, 'SUMMARY.tsv'), 'utf8').trim().split('\n');
  const head = lines[0].split('\t');
  const col = (name: string): number => head.indexOf(name);
  return lines.slice(1).map((l) => {
    const f = l.split('\t');
    return {
      file: f[col('file')],
      bytes: Number(f[col('bytes')]),
      evtxexportRc: Number(f[col('evtxexport_rc')]),
      evtxexportRecords: Number(f[col('evtxexport_records')]),
      evtxinfoRecords: Number(f[col('evtxinfo_records')]),
      expected: f[col('expected')],
    };
  });
}

/** The events of an evtxexport XML file (banner line skipped), in file order. */
export function loadExpected(relPath: string): XmlElement[] {
  const p = join(EXPECTED_DIR, relPath);
  const raw = readFileSync(p);
  const text = (p.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  return [...readWindowsXml(text)].map((e) => e.event);
}

export function fixtureExists(): boolean {
  return existsSync(EVTX_DIR) && existsSync(EXPECTED_DIR);
}

const ISO = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/;
const HEX = /^0x[0-9a-fA-F]+$/;

/** FILETIME ticks of an ISO-8601 UTC time (fraction truncated to 100 ns). */
export function isoToTicks(s: string): bigint | undefined {
  const m = ISO.exec(s);
  if (!m) return undefined;
  const ms = Date.parse(m[1] + 'Z');
  if (Number.isNaN(ms)) return undefined;
  const frac = BigInt((m[2] ?? '').padEnd(9, '0').slice(0, 7));
  return (BigInt(ms / 1000) + 11644473600n) * 10_000_000n + frac;
}

/**
 * Canonical form of a value for comparison. Only the representational differences documented in
 * evtx-expected/README.md are folded: timestamps compared as FILETIME ticks (evtxexport prints 9
 * fractional digits, Windows 7), hex integers compared by value (evtxexport pads HexInt to 8/16
 * digits, Windows does not).
 */
export function canonValue(v: string): string {
  if (v.length > 2 && v.charCodeAt(0) === 48 && HEX.test(v)) return '0x' + BigInt(v).toString(16);
  if (v.length >= 20 && v.endsWith('Z')) {
    const t = isoToTicks(v);
    if (t !== undefined) return 'ticks:' + t;
  }
  return v;
}

export interface DiffOptions {
  /** Extra value equality for a documented deviation (called when canonical forms differ). */
  valueEq?: (ours: string, theirs: string, path: string) => boolean;
  /** Elements of ours that the peer leaves out (e.g. RenderingInfo for evtxexport). */
  oursOnly?: (el: XmlElement) => boolean;
  /** Drop whitespace-only text on both sides (evtx-rs prints empty elements as `<X>\n</X>`). */
  ignoreBlankText?: boolean;
  /** Canonical form of a value; default canonValue. */
  canon?: (v: string) => string;
  /** Rewrite of our tree before comparing, to mirror a peer's representational quirk. */
  mapOurs?: (el: XmlElement) => XmlElement;
}

function isBlank(n: XmlNode): boolean {
  return typeof n === 'string' && n.trim() === '';
}

/** First difference between two trees as a readable path, or undefined if they are equal. */
export function diffTrees(ours: XmlNode, theirs: XmlNode, opts: DiffOptions = {}, path = ''): string | undefined {
  if (opts.mapOurs && path === '' && typeof ours !== 'string') {
    return diffTrees(opts.mapOurs(ours), theirs, { ...opts, mapOurs: undefined }, path);
  }
  const canon = opts.canon ?? canonValue;
  const eq = (a: string, b: string, p: string): boolean =>
    canon(a) === canon(b) || (opts.valueEq !== undefined && opts.valueEq(a, b, p));
  if (typeof ours === 'string' || typeof theirs === 'string') {
    if (typeof ours !== typeof theirs) return `${path}: ${JSON.stringify(ours)} vs ${JSON.stringify(theirs)}`;
    return eq(ours as string, theirs as string, path)
      ? undefined
      : `${path}: text ${JSON.stringify(ours)} vs ${JSON.stringify(theirs)}`;
  }
  const here = `${path}/${ours.name}`;
  if (ours.name !== theirs.name) return `${path}: element <${ours.name}> vs <${theirs.name}>`;
  const ka = Object.keys(ours.attrs);
  const kb = Object.keys(theirs.attrs);
  if (ka.join('\0') !== kb.join('\0')) return `${here}: attributes [${ka}] vs [${kb}]`;
  for (const k of ka) {
    if (!eq(ours.attrs[k], theirs.attrs[k], `${here}/@${k}`)) {
      return `${here}/@${k}: ${JSON.stringify(ours.attrs[k])} vs ${JSON.stringify(theirs.attrs[k])}`;
    }
  }
  let ca = ours.children;
  let cb = theirs.children;
  if (opts.ignoreBlankText) {
    ca = ca.filter((c) => !isBlank(c));
    cb = cb.filter((c) => !isBlank(c));
  }
  const oursOnly = opts.oursOnly;
  if (oursOnly) {
    const names = new Set(cb.map((c) => (typeof c === 'string' ? '' : c.name)));
    ca = ca.filter((c) => typeof c === 'string' || names.has(c.name) || !oursOnly(c));
  }
  for (let i = 0; i < Math.max(ca.length, cb.length); i++) {
    if (i >= ca.length || i >= cb.length) {
      const extra = i >= ca.length ? cb[i] : ca[i];
      const what = typeof extra === 'string' ? JSON.stringify(extra) : `<${extra.name}>`;
      return `${here}[${i}]: ${i >= ca.length ? 'missing' : 'extra'} ${what}`;
    }
    const d = diffTrees(ca[i], cb[i], opts, `${here}[${i}]`);
    if (d) return d;
  }
  return undefined;
}

/** System/EventRecordID of an event tree. */
export function eventRecordId(ev: XmlElement): number {
  const sys = ev.children.find((c): c is XmlElement => typeof c !== 'string' && c.name === 'System');
  const id = sys?.children.find((c): c is XmlElement => typeof c !== 'string' && c.name === 'EventRecordID');
  return Number(id?.children[0]);
}

/** System/EventID of an event tree. */
export function eventId(ev: XmlElement): string {
  const sys = ev.children.find((c): c is XmlElement => typeof c !== 'string' && c.name === 'System');
  const id = sys?.children.find((c): c is XmlElement => typeof c !== 'string' && c.name === 'EventID');
  return String(id?.children[0]);
}

/** The rendered record of an evtx-rs insta snapshot (text after the YAML header). */
export function loadSnapshot(name: string): string {
  const text = readFileSync(join(EXPECTED_DIR, 'omerbenamram/evtx/snapshots', name), 'utf8');
  const parts = text.split(/^---$/m);
  return parts.slice(2).join('---').trim();
}

/** An evtx-rs XML snapshot as an event tree. */
export function loadXmlSnapshot(name: string): XmlElement {
  const events = [...readWindowsXml(loadSnapshot(name))];
  if (events.length !== 1) throw new Error(`${name}: expected one event, found ${events.length}`);
  return events[0].event;
}

const GUID_BARE = /^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$/;

/**
 * Canonical form for comparing with evtx-rs snapshots, which print GUIDs without braces or in
 * lower case and, in older snapshots, SystemTime truncated to microseconds.
 */
export function canonSnapshotValue(v: string): string {
  const g = GUID_BARE.exec(v);
  if (g) return '{' + g[1].toUpperCase() + '}';
  if (v.length >= 20 && v.endsWith('Z')) {
    const t = isoToTicks(v);
    if (t !== undefined) return 'us:' + t / 10n;
  }
  return canonValue(v);
}
