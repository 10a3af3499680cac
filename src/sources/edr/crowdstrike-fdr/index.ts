/**
 * CrowdStrike Falcon Data Replicator → `crowdstrike.fdr` (and its metadata streams).
 *
 * FDR delivers NDJSON: event records (`event_simpleName`, `aid`, `cid`, PascalCase fields, nearly
 * every value a string) and two metadata feeds, `aidmaster` (one record per sensor: `aid`,
 * `ComputerName`, …) and `userinfo` (`UserSid_readable`, `UserName`, …). All go through the same
 * pipeline (pipeline.ts). Elastic routes the metadata feeds to `crowdstrike.fdr_aidmaster` /
 * `crowdstrike.fdr_userinfo` only with the `route_metadata_to_datastreams` tag and a file path that
 * names them (routing_rules.yml); so does this normaliser.
 *
 * Enrichment (off with `strictEcs`): a sensor's `ComputerName` from an aidmaster record, and a
 * user's name from a userinfo record, seen earlier in the same input, are attached to later events
 * as `crowdstrike.info.host.ComputerName` / `crowdstrike.info.user.UserName` — the shape Elastic's
 * earlier FDR input produced by joining the feeds — so the pipeline fills `host.name` and
 * `user.name`, which raw FDR events lack and rules read.
 */
import { compileMapping, isObject } from '../../mapping/index.js';
import {
  finishAgentDoc,
  hasTag,
  initialDoc,
  reporter,
  type EdrNormaliseOptions,
  type EdrRecordNormaliser,
  type NormalisedEvent,
  type RawRecord,
} from '../common.js';
import { CROWDSTRIKE_STEPS } from './pipeline.js';

export const CROWDSTRIKE_DATASET = 'crowdstrike.fdr';

let compiled: ReturnType<typeof compileMapping> | undefined;
function pipeline(): ReturnType<typeof compileMapping> {
  compiled ??= compileMapping({ name: 'crowdstrike.fdr', steps: CROWDSTRIKE_STEPS }, { mode: 'adaptive' });
  return compiled;
}

export type FdrRecordKind = 'event' | 'aidmaster' | 'userinfo';

/** What an FDR record is, or undefined when it is not one. */
export function fdrRecordKind(v: Record<string, unknown>): FdrRecordKind | undefined {
  if (typeof v.event_simpleName === 'string') return 'event';
  if (
    typeof v.aid === 'string' &&
    (v.ComputerName !== undefined || v.AgentLoadFlags !== undefined || v.FirstSeen !== undefined)
  )
    return 'aidmaster';
  if (
    typeof v.UserSid_readable === 'string' ||
    (typeof v.UserName === 'string' && typeof v.UserSid === 'string' && v.cid !== undefined)
  )
    return 'userinfo';
  return undefined;
}

export function createCrowdStrikeNormaliser(opts: EdrNormaliseOptions = {}): EdrRecordNormaliser {
  const hosts = new Map<string, string>();
  const users = new Map<string, string>();
  const enrich = opts.strictEcs !== true;
  const route = hasTag(opts, 'route_metadata_to_datastreams');
  const mapping = pipeline();
  return {
    format: 'crowdstrike-fdr',
    normalise(rec: RawRecord): NormalisedEvent | undefined {
      const raw = rec.value;
      const report = reporter(opts.sink, rec.loc);
      const kind = fdrRecordKind(raw);
      if (kind === undefined) {
        report?.(
          'unknown-shape',
          'not a CrowdStrike FDR record (no event_simpleName, not aidmaster/userinfo metadata)',
        );
        return undefined;
      }
      const original = rec.text ?? JSON.stringify(raw);
      if (kind === 'aidmaster' && typeof raw.ComputerName === 'string' && raw.ComputerName !== '')
        hosts.set(raw.aid as string, raw.ComputerName);
      if (kind === 'userinfo') {
        const sid = typeof raw.UserSid_readable === 'string' ? raw.UserSid_readable : raw.UserSid;
        const name = typeof raw.UserName === 'string' ? raw.UserName : raw.User;
        if (typeof sid === 'string' && typeof name === 'string' && name !== '') users.set(sid, name);
      }
      if (enrich && kind === 'event') attachMetadata(raw, hosts, users);
      const doc = initialDoc(opts);
      doc.crowdstrike = raw;
      doc.event = { original };
      mapping.apply(doc, report);
      // The fixture's revision also names the event in `message` (newer revisions dropped it).
      if (doc.message === undefined && typeof raw.event_simpleName === 'string') doc.message = raw.event_simpleName;
      let dataset = CROWDSTRIKE_DATASET;
      if (route && kind !== 'event' && rec.loc.file.includes(kind)) dataset = `crowdstrike.fdr_${kind}`;
      return finishAgentDoc(doc, dataset, opts, report);
    },
  };
}

function attachMetadata(raw: Record<string, unknown>, hosts: Map<string, string>, users: Map<string, string>): void {
  const aid = raw.aid;
  const host = typeof aid === 'string' ? hosts.get(aid) : undefined;
  const sid = raw.UserSid;
  const user = typeof sid === 'string' && raw.UserName === undefined ? users.get(sid) : undefined;
  if (host === undefined && user === undefined) return;
  const info = isObject(raw.info) ? raw.info : (raw.info = {});
  if (host !== undefined && raw.ComputerName === undefined) {
    const h = (isObject(info.host) ? info.host : (info.host = {})) as Record<string, unknown>;
    h.ComputerName ??= host;
  }
  if (user !== undefined) {
    const u = (isObject(info.user) ? info.user : (info.user = {})) as Record<string, unknown>;
    u.UserName ??= user;
  }
}

/** One record, without per-input state (no metadata enrichment across records). */
export function normaliseCrowdStrike(
  raw: Record<string, unknown>,
  opts: EdrNormaliseOptions = {},
): NormalisedEvent | undefined {
  return createCrowdStrikeNormaliser(opts).normalise({ value: raw, loc: opts.loc ?? { file: '-' } });
}
