/**
 * Per-rule state that outlives the process: the user's enable/disable and mode choices, the
 * continuous cursor (last event seq evaluated) and sequence watermark, the scheduled run history
 * (`last_run_at` is Kibana's `previousStartedAt`), and runtime errors.
 */
import type { Db } from './db.js';

export interface RuleState {
  rule_id: string;
  enabled: number | null;
  mode: string | null;
  cursor: number | null;
  watermark: number | null;
  last_run_at: number | null;
  last_duration_ms: number | null;
  last_status: string | null;
  last_message: string | null;
  last_gap_ms: number | null;
  errors: number;
  last_error: string | null;
  last_error_at: number | null;
}

export type RuleStatePatch = Partial<Omit<RuleState, 'rule_id'>>;

const COLUMNS = new Set([
  'enabled',
  'mode',
  'cursor',
  'watermark',
  'last_run_at',
  'last_duration_ms',
  'last_status',
  'last_message',
  'last_gap_ms',
  'errors',
  'last_error',
  'last_error_at',
]);

export class RuleStateStore {
  private readonly st;
  private readonly updates = new Map<string, ReturnType<Db['prepare']>>();

  constructor(private readonly db: Db) {
    this.st = {
      get: db.prepare('SELECT * FROM rule_state WHERE rule_id = ?'),
      all: db.prepare('SELECT * FROM rule_state'),
      ensure: db.prepare('INSERT INTO rule_state (rule_id) VALUES (?) ON CONFLICT (rule_id) DO NOTHING'),
      error: db.prepare(
        'INSERT INTO rule_state (rule_id, errors, last_error, last_error_at) VALUES (?, 1, ?, ?) ON CONFLICT (rule_id) DO UPDATE SET errors = errors + 1, last_error = excluded.last_error, last_error_at = excluded.last_error_at',
      ),
    };
  }

  get(ruleId: string): RuleState | undefined {
    return this.st.get.get(ruleId) as RuleState | undefined;
  }

  all(): Map<string, RuleState> {
    return new Map((this.st.all.all() as RuleState[]).map((s) => [s.rule_id, s]));
  }

  set(ruleId: string, patch: RuleStatePatch): void {
    const keys = Object.keys(patch)
      .filter((k) => COLUMNS.has(k))
      .sort();
    if (keys.length === 0) return;
    const sig = keys.join(',');
    let stmt = this.updates.get(sig);
    if (!stmt) {
      stmt = this.db.prepare(
        `UPDATE rule_state SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE rule_id = @rule_id`,
      );
      this.updates.set(sig, stmt);
    }
    this.st.ensure.run(ruleId);
    stmt.run({ ...patch, rule_id: ruleId });
  }

  recordError(ruleId: string, message: string, at = Date.now()): void {
    this.st.error.run(ruleId, message, at);
  }
}
