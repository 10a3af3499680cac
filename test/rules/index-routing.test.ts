import { describe, expect, it } from 'vitest';
import {
  compileIndexPatterns,
  eventIndex,
  loadBuiltinRules,
  prepareRules,
  DEFAULT_INDEX_PATTERNS,
} from '../../src/rules/index.js';

const founding = () => {
  const { rules } = prepareRules(loadBuiltinRules());
  expect(rules).toHaveLength(1);
  return rules[0];
};

describe('index routing of the founding rule', () => {
  const sysmonStart = {
    '@timestamp': '2025-03-14T10:31:58.004Z',
    event: { category: ['process'], type: ['start'] },
    host: { os: { type: 'windows' } },
    process: { name: 'cmd.exe', command_line: 'cmd.exe /c echo x > a.vbs & wscript a.vbs', args: ['cmd.exe'] },
  };

  it('sees a Sysmon event and not the same event from Elastic Defend', () => {
    const rule = founding();
    const sysmon = {
      ...sysmonStart,
      data_stream: { type: 'logs', dataset: 'windows.sysmon_operational', namespace: 'default' },
    };
    const defend = {
      ...sysmonStart,
      data_stream: { type: 'logs', dataset: 'endpoint.events.process', namespace: 'default' },
    };
    // The query alone would match both.
    expect(rule.query.filter?.(sysmon)).toBe(true);
    expect(rule.query.filter?.(defend)).toBe(true);
    expect(eventIndex(sysmon)).toBe('logs-windows.sysmon_operational-default');
    expect(eventIndex(defend)).toBe('logs-endpoint.events.process-default');
    expect(rule.admits(sysmon, eventIndex(sysmon))).toBe(true);
    expect(rule.admits(defend, eventIndex(defend))).toBe(false);
  });

  it('sees backing indices of its data streams and Winlogbeat indices, not other data', () => {
    const rule = founding();
    expect(rule.seesIndex('.ds-logs-windows.sysmon_operational-default-2025.03.14-000001')).toBe(true);
    expect(rule.seesIndex('.ds-logs-endpoint.events.process-default-2025.03.14-000001')).toBe(false);
    expect(rule.seesIndex('winlogbeat-8.17.0')).toBe(true);
    expect(rule.seesIndex('logs-system.security-default')).toBe(true);
    expect(rule.seesIndex('logs-system.syslog-default')).toBe(false);
    expect(rule.seesIndex('endgame-3.0')).toBe(true);
  });

  it('sees events whose index is unknown', () => {
    expect(founding().admits({ ...sysmonStart }, eventIndex(sysmonStart))).toBe(true);
  });
});

describe('eventIndex', () => {
  it('prefers _index, then the data stream fields, then the reader, and --index over all', () => {
    const ds = { data_stream: { type: 'logs', dataset: 'windows.forwarded', namespace: 'prod' } };
    expect(eventIndex({ _index: 'winlogbeat-7.17.1', ...ds }, 'endgame-1')).toBe('winlogbeat-7.17.1');
    expect(eventIndex(ds, 'endgame-1')).toBe('logs-windows.forwarded-prod');
    expect(eventIndex({ 'data_stream.type': 'logs', 'data_stream.dataset': 'x', 'data_stream.namespace': 'y' })).toBe(
      'logs-x-y',
    );
    expect(eventIndex({ data_stream: { type: 'logs', dataset: 'x' } }, 'endgame-1')).toBe('endgame-1');
    expect(eventIndex({}, undefined)).toBeUndefined();
    expect(eventIndex({ _index: 'a', ...ds }, 'b', 'logs-override-default')).toBe('logs-override-default');
  });
});

describe('index pattern resolution (as Elasticsearch)', () => {
  it('applies exclusions in order, only after a wildcard', () => {
    const m = compileIndexPatterns(['logs-*', '-logs-endpoint*', 'logs-endpoint.events.process-*']);
    expect(m.matches('logs-windows.sysmon_operational-default')).toBe(true);
    expect(m.matches('logs-endpoint.events.network-default')).toBe(false);
    // Re-included by the later pattern.
    expect(m.matches('logs-endpoint.events.process-default')).toBe(true);
    // Without an earlier wildcard, `-x` is a literal name, not an exclusion.
    const lit = compileIndexPatterns(['-logs-a', 'logs-*']);
    expect(lit.matches('logs-a')).toBe(true);
  });

  it('does not let wildcards reach hidden indices unless the pattern starts with a dot', () => {
    expect(compileIndexPatterns(['*']).matches('.internal.alerts-security.alerts-default-000001')).toBe(false);
    expect(
      compileIndexPatterns(['.internal.alerts-*']).matches('.internal.alerts-security.alerts-default-000001'),
    ).toBe(true);
    expect(compileIndexPatterns(['*']).matches('.ds-logs-a-default-2025.01.01-000003')).toBe(true);
    expect(compileIndexPatterns(['.ds-logs-a-*']).matches('.ds-logs-a-default-2025.01.01-000003')).toBe(true);
  });

  it('handles exact names, comma lists, remote clusters and the failure store', () => {
    const m = compileIndexPatterns(['winlogbeat-8.17.0,auditbeat-*']);
    expect(m.matches('winlogbeat-8.17.0')).toBe(true);
    expect(m.matches('winlogbeat-8.17.1')).toBe(false);
    expect(m.matches('auditbeat-8.1')).toBe(true);
    expect(compileIndexPatterns(['logs-*']).matches('remote:logs-a-b')).toBe(false);
    expect(compileIndexPatterns(['*:logs-*']).matches('remote:logs-a-b')).toBe(true);
    expect(compileIndexPatterns(['logs-*::failures']).matches('.fs-logs-a-b-2025.01.01-000001')).toBe(true);
    expect(compileIndexPatterns(['logs-*::failures']).matches('.ds-logs-a-b-2025.01.01-000001')).toBe(false);
  });

  it("excludes Elastic Cloud logs from Kibana's default patterns", () => {
    const m = compileIndexPatterns(DEFAULT_INDEX_PATTERNS);
    expect(m.matches('logs-elastic_agent-default')).toBe(true);
    expect(m.matches('logs-elastic-cloud-logs-8-default')).toBe(false);
    expect(m.matches('metrics-system.cpu-default')).toBe(false);
  });
});
