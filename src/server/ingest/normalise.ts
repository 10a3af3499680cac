/**
 * Which normaliser an incoming document goes through. Over HTTP the index decides, as the data
 * stream decides which integration pipeline runs in Elasticsearch: raw vendor records posted to a
 * vendor data stream are normalised like files (`src/sources/`); ECS documents pass through.
 * Followed files and stdin are routed by their detected format instead.
 *
 * Every document without `event.ingested` gets the ingest time, as Fleet's final pipeline does:
 * the prebuilt rules schedule on it (`timestamp_override = "event.ingested"`).
 */
import {
  createEdrNormaliser,
  isEcsDocument,
  type EdrFormat,
  type EdrRecordNormaliser,
} from '../../sources/edr/index.js';
import type { BadRecord, EventDoc } from '../../sources/types.js';
import { looksIngested, normaliseWinlogDoc } from '../../sources/windows/index.js';

export type RouteKind = 'ecs' | 'winlog' | EdrFormat;

export interface Normalised {
  doc: EventDoc;
  /** The normaliser's data stream, when it chose one (followed files). */
  index?: string;
  /** False when the document is stored exactly as received (or with `prefix` spliced in). */
  changed: boolean;
  /**
   * Text to insert right after the document's opening brace: `"event.ingested":"…",`. Splicing
   * the received text instead of serialising the parsed document again halves the cost of an
   * ECS event; the parsed document gets the same dotted key, so both read the same.
   */
  prefix?: string;
}

export type NormaliseResult = Normalised | { error: string };

const INDEX_ROUTES: Array<[RegExp, RouteKind]> = [
  [/^(?:\.ds-)?logs-crowdstrike\.fdr-/, 'crowdstrike-fdr'],
  [/^(?:\.ds-)?logs-m365_defender\.event-/, 'm365-defender'],
  [/^(?:\.ds-)?logs-sentinel_one_cloud_funnel\./, 'sentinelone-cloud-funnel'],
  [/^(?:\.ds-)?logs-windows\./, 'winlog'],
  [/^(?:\.ds-)?logs-system\.security-/, 'winlog'],
  [/^winlogbeat-/, 'winlog'],
  [/^(?:\.ds-)?endgame-/, 'endgame'],
];

export function routeForIndex(index: string): RouteKind {
  for (const [re, kind] of INDEX_ROUTES) if (re.test(index)) return kind;
  return 'ecs';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Fleet writes whole seconds: `2024-05-01T10:00:00Z`. */
export function ingestedText(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export class Normaliser {
  /** Mutated per batch: the normalisers read it for every record. */
  private readonly policy: { mode: 'fixed'; at: number } = { mode: 'fixed', at: 0 };
  private ingested = '';
  private readonly edr = new Map<EdrFormat, EdrRecordNormaliser>();
  private lastProblem: BadRecord | undefined;
  private readonly sink = (p: BadRecord) => {
    this.lastProblem = p;
  };

  constructor(private readonly options: { strictEcs?: boolean; setIngested?: boolean } = {}) {}

  /** The ingest time of the batch about to be normalised. */
  setTime(ms: number): void {
    this.policy.at = ms;
    this.ingested = ingestedText(ms);
  }

  normalise(kind: RouteKind, doc: EventDoc, text: string | undefined): NormaliseResult {
    this.lastProblem = undefined;
    if (kind === 'winlog' && isObject(doc.winlog) && !looksIngested(doc)) {
      const n = normaliseWinlogDoc(doc, { ingested: this.policy, sink: this.sink, loc: { file: 'bulk' } });
      return { doc: n.doc, index: n.index, changed: true };
    }
    if (kind !== 'ecs' && kind !== 'winlog' && !isEcsDocument(doc)) {
      let n = this.edr.get(kind);
      if (!n) {
        n = createEdrNormaliser(kind, { ingested: this.policy, sink: this.sink, strictEcs: this.options.strictEcs });
        this.edr.set(kind, n);
      }
      const out = n.normalise({ value: doc, text, loc: { file: 'bulk' } });
      if (!out) return { error: (this.lastProblem as BadRecord | undefined)?.message ?? `not a ${kind} record` };
      return { doc: out.doc, index: out.index, changed: true };
    }
    if (this.options.setIngested === false || doc['event.ingested'] !== undefined) return { doc, changed: false };
    const ev = doc.event;
    if (ev !== undefined && (!isObject(ev) || ev.ingested !== undefined)) return { doc, changed: false };
    doc['event.ingested'] = this.ingested;
    return { doc, changed: false, prefix: this.ingestedPrefix };
  }

  private get ingestedPrefix(): string {
    return `"event.ingested":"${this.ingested}"`;
  }
}
