/**
 * What Kibana assumes when a rule leaves a setting out, and the caps it applies
 * (security_solution's rule defaults and the alerting framework's limits).
 */

export const DEFAULT_INTERVAL = '5m';
export const DEFAULT_FROM = 'now-6m';
export const DEFAULT_TO = 'now';
/** `DEFAULT_MAX_SIGNALS`. */
export const DEFAULT_MAX_SIGNALS = 100;
/** `xpack.alerting.rules.run.alerts.max`: Kibana never writes more alerts per run, and warns. */
export const MAX_ALERTS_PER_RUN = 1000;
export const DEFAULT_RULE_VERSION = 1;

/**
 * `securitySolution:defaultIndex`: the patterns a rule without `index` (and without a data view)
 * searches, with the Elastic Cloud log exclusion Kibana appends.
 */
export const DEFAULT_INDEX_PATTERNS: readonly string[] = [
  'apm-*-transaction*',
  'auditbeat-*',
  'endgame-*',
  'filebeat-*',
  'logs-*',
  'packetbeat-*',
  'traces-apm*',
  'winlogbeat-*',
  '-*elastic-cloud-logs-*',
];

/** Rule types eqlite runs. Everything else loads and validates but is reported as not supported yet. */
export const SUPPORTED_TYPES: ReadonlySet<string> = new Set(['eql']);
