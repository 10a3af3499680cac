/**
 * Which format a file holds, from its first bytes (decompressed): EVTX by its signature, Windows
 * XML by its markup, and the JSON family by the shape of the first records — winlogbeat / Agent
 * winlog documents, the EDR vendor formats, or already-normalised ECS (the default for JSON).
 */
import { sniffEvtx } from './evtx/index.js';
import { detectEdrFormat, isEdrFormat } from './edr/index.js';
import { sniffWinlogbeat } from './windows/index.js';
import { sniffWindowsXml } from './windows/xml-reader.js';
import { withoutBom } from './input.js';
import type { InputFormat } from './types.js';

/** Formats a user can force with `--format`. */
export const FORMATS = [
  'ecs',
  'evtx',
  'winxml',
  'winlogbeat',
  'crowdstrike-fdr',
  'm365-defender',
  'sentinelone-cloud-funnel',
  'endgame',
] as const satisfies readonly InputFormat[];

export type SourceFormat = (typeof FORMATS)[number];

export function isSourceFormat(f: string): f is SourceFormat {
  return (FORMATS as readonly string[]).includes(f);
}

export type Detection = { format: SourceFormat } | { format: undefined; reason: string };

export function detectFormat(head: Buffer): Detection {
  if (head.length === 0) return { format: 'ecs' };
  if (sniffEvtx(head)) return { format: 'evtx' };
  if (sniffWindowsXml(head)) return { format: 'winxml' };
  const text = head.toString('utf8');
  const t = withoutBom(text).trimStart();
  if (t[0] !== '{' && t[0] !== '[') {
    const binary = [...head.subarray(0, 512)].some((b) => b === 0);
    return { format: undefined, reason: binary ? 'binary data of an unknown format' : 'not JSON, EVTX or Windows XML' };
  }
  if (sniffWinlogbeat(text)) return { format: 'winlogbeat' };
  const edr = detectEdrFormat(text);
  if (edr !== undefined && isEdrFormat(edr)) return { format: edr };
  return { format: 'ecs' };
}
