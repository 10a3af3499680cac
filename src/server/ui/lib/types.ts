/**
 * The answers of eqlite's JSON API as docs/serve-api.md describes them. Values come from the
 * network: the UI renders every string as text and tolerates missing or null members.
 */
export type WorkflowStatus = 'open' | 'acknowledged' | 'closed';
export const WORKFLOW_STATUSES: readonly WorkflowStatus[] = ['open', 'acknowledged', 'closed'];
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface AlertSummary {
  id: string;
  time: string;
  original_time: string;
  rule_id: string;
  rule_name: string;
  severity: string;
  risk_score: number;
  host: string | null;
  user: string | null;
  reason: string;
  workflow_status: WorkflowStatus;
  tags: string[];
  assignee: string | null;
  building_block: boolean;
  group_id: string | null;
}

export interface AlertList {
  total: number;
  page: number;
  size: number;
  items: AlertSummary[];
}

export interface LastRun {
  at: string;
  duration_ms: number;
  status: string;
  gap_ms?: number;
  message?: string;
}

export interface RuleSummary {
  rule_id: string;
  name: string;
  severity: string;
  risk_score: number;
  type: string;
  language: string;
  enabled: boolean;
  mode: 'scheduled' | 'continuous';
  interval: string;
  from: string;
  index: string[];
  tactics: string[];
  techniques: string[];
  alerts_open: number;
  last_run: LastRun | null;
  building_block: boolean;
}

export interface MitreRef {
  id: string;
  name: string;
  reference?: string;
}

export interface MitreTechnique extends MitreRef {
  subtechniques?: MitreRef[];
}

export interface MitreEntry {
  tactic: MitreRef;
  techniques: MitreTechnique[];
}

export interface RuleDetail extends RuleSummary {
  description: string;
  query: string;
  /** The investigation guide as markdown (with `!{investigate…}` markers). */
  note?: string | null;
  note_html?: string | null;
  setup?: string | null;
  references: string[];
  false_positives: string[];
  investigation_fields: string[];
  threat: unknown;
}

export interface InvestigationField {
  field: string;
  value: unknown;
}

export interface PivotInfo {
  index: number;
  label: string;
  description?: string;
  query: string;
  runnable: boolean;
  problem?: string;
}

export interface PivotCount {
  index: number;
  label: string;
  count: number;
  window: { from: string; to: string } | null;
  query: string;
}

export interface StoredEvent {
  id: string;
  index: string;
  time: string;
  doc: Record<string, unknown>;
}

export interface EventList {
  total: number;
  items: StoredEvent[];
}

export interface Note {
  id: string;
  alert_id: string;
  text: string;
  created_at: string;
}

export interface AlertDetail {
  alert: Record<string, unknown>;
  summary: AlertSummary;
  rule: RuleSummary | null;
  investigation_fields: InvestigationField[];
  guide: { markdown: string | null; html?: string | null; setup?: string | null } | null;
  pivots: PivotInfo[];
  explain: unknown;
  mitre: MitreEntry[];
  notes: Note[];
  sequence: { group_id: string; blocks: AlertSummary[] } | null;
}

export interface ProcessNode {
  entity_id: string | null;
  pid: number | null;
  name: string | null;
  executable: string | null;
  command_line: string | null;
  time: string | null;
  is_alert: boolean;
  children: ProcessNode[];
}

export interface TimelineItem {
  id: string;
  time: string;
  category: string | string[] | null;
  action: string | null;
  summary: string | null;
  doc: Record<string, unknown>;
}

export interface AlertPatch {
  workflow_status?: WorkflowStatus;
  tags?: string[];
  assignee?: string | null;
}
