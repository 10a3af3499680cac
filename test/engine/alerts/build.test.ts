import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  EQLITE_RULE_NAMESPACE,
  buildEventAlert,
  eventAlertUuid,
  buildSequenceAlerts,
  ruleSavedObjectId,
  uuidV5,
  type AlertContext,
  type AlertDoc,
} from '../../../src/engine/alerts/index.js';
import { kibanaParams, type Rule } from '../../../src/rules/index.js';
import { SYSMON_INDEX, foundingRule, sequenceRule, sysmonProcessStart } from './fixtures.js';

// Golden values below follow Kibana's source (build_alert.ts, transform_hit_to_alert.ts,
// build_alert_group_from_sequence.ts, generate_building_block_ids.ts, the rule-registry persistence
// wrapper) and are recomputed here independently of the implementation.
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** JSON with keys sorted at every level: the canonical form the content id hashes. */
function sortedJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : x,
  );
}

/** The content id of an event: without event.ingested and log.file.path. */
function contentId(doc: Record<string, unknown>): string {
  const copy = structuredClone(doc) as Record<string, Record<string, unknown>>;
  if (copy.event) delete copy.event.ingested;
  if (copy.log) delete (copy.log as Record<string, unknown>).file;
  return sha256(sortedJson(copy));
}

const NOW = new Date('2025-03-14T10:35:00.000Z');
const CTX: AlertContext = {
  now: NOW,
  executionUuid: '0c8a5f7e-2d4b-4e6a-9f1c-3b5d7e9a1c2e',
  executionType: 'manual',
};
const FOUNDING_ID = 'd9ffc3d6-9de9-4b29-9395-5757d0695ecf';
const REASON =
  'process event with process cmd.exe, parent process explorer.exe, by j.doe on WIN-FIN-07 ' +
  'created high alert Suspicious Windows Command Shell Arguments.';

function eventAlert(doc = sysmonProcessStart(), ctx: AlertContext = CTX, rule: Rule = foundingRule().rule): AlertDoc {
  const a = buildEventAlert(rule, { doc, index: SYSMON_INDEX }, ctx);
  if (!a) throw new Error('no alert');
  return a;
}

describe('single-event alert for the founding rule', () => {
  const rule = foundingRule().rule;
  const doc = sysmonProcessStart();
  const alert = eventAlert(doc);
  const ruleUuid = uuidV5(FOUNDING_ID, EQLITE_RULE_NAMESPACE);
  const eventId = contentId(doc);
  const alertId = sha256(SYSMON_INDEX + eventId + 'undefined' + `default:${ruleUuid}`);

  it('has the id Kibana computes: sha256(index + _id + _version + "space:rule uuid"), _version absent in EQL hits', () => {
    expect(alert['kibana.alert.uuid']).toBe(alertId);
    expect(alert['kibana.alert.rule.uuid']).toBe(ruleUuid);
    expect(ruleSavedObjectId(FOUNDING_ID)).toBe(ruleUuid);
  });

  it('carries the source event with event.kind replaced by signal and the original event copied', () => {
    expect(alert['event.kind']).toBe('signal');
    const { kind: _kind, ...eventWithoutKind } = doc.event as Record<string, unknown>;
    expect(alert.event).toEqual(eventWithoutKind);
    for (const [k, v] of Object.entries(doc.event as Record<string, unknown>)) {
      expect(alert[`kibana.alert.original_event.${k}`]).toEqual(v);
    }
    expect(alert['kibana.alert.original_data_stream.dataset']).toBe('windows.sysmon_operational');
    expect(alert['kibana.alert.original_data_stream.namespace']).toBe('default');
    expect(alert['kibana.alert.original_data_stream.type']).toBe('logs');
    for (const k of ['host', 'process', 'user', 'winlog', 'agent', 'related', 'message', 'data_stream', 'ecs', 'log']) {
      expect(alert[k], k).toEqual(doc[k]);
    }
  });

  it('sets every kibana.alert field of the reference table', () => {
    expect(alert).toMatchObject({
      '@timestamp': '2025-03-14T10:35:00.000Z',
      'kibana.space_ids': ['default'],
      'kibana.alert.original_time': '2025-03-14T10:31:58.004Z',
      'kibana.alert.ancestors': [{ id: eventId, type: 'event', index: SYSMON_INDEX, depth: 0 }],
      'kibana.alert.depth': 1,
      'kibana.alert.status': 'active',
      'kibana.alert.workflow_status': 'open',
      'kibana.alert.workflow_tags': [],
      'kibana.alert.workflow_assignee_ids': [],
      'kibana.alert.reason': REASON,
      'kibana.alert.severity': 'high',
      'kibana.alert.risk_score': 73,
      'kibana.alert.intended_timestamp': '2025-03-14T10:35:00.000Z',
      'kibana.alert.rule.execution.type': 'manual',
      'kibana.alert.rule.execution.uuid': CTX.executionUuid,
      'kibana.alert.rule.execution.timestamp': '2025-03-14T10:35:00.000Z',
      'kibana.alert.start': '2025-03-14T10:35:00.000Z',
      'kibana.alert.last_detected': '2025-03-14T10:35:00.000Z',
      'kibana.version': '9.5.0',
      'kibana.alert.rule.category': 'Event Correlation Rule',
      'kibana.alert.rule.producer': 'siem',
      'kibana.alert.rule.consumer': 'siem',
      'kibana.alert.rule.rule_type_id': 'siem.eqlRule',
      'kibana.alert.rule.revision': 0,
      'kibana.alert.rule.rule_id': FOUNDING_ID,
      'kibana.alert.rule.name': 'Suspicious Windows Command Shell Arguments',
      'kibana.alert.rule.type': 'eql',
      'kibana.alert.rule.version': rule.version,
      'kibana.alert.rule.from': 'now-9m',
      'kibana.alert.rule.to': 'now',
      'kibana.alert.rule.interval': '5m',
      'kibana.alert.rule.indices': rule.index,
      'kibana.alert.rule.max_signals': 100,
      'kibana.alert.rule.note': rule.note,
      'kibana.alert.rule.references': rule.references,
      'kibana.alert.rule.tags': rule.tags,
      'kibana.alert.rule.timestamp_override': 'event.ingested',
      'kibana.alert.rule.exceptions_list': [],
      'kibana.alert.rule.false_positives': [],
      'kibana.alert.rule.author': ['Elastic'],
      'kibana.alert.rule.license': 'Elastic License v2',
      'kibana.alert.rule.immutable': false,
      'kibana.alert.rule.created_at': '2024-09-06T00:00:00.000Z',
      'kibana.alert.rule.created_by': '',
      'kibana.alert.rule.updated_at': '2026-05-03T00:00:00.000Z',
      'kibana.alert.rule.updated_by': '',
      'kibana.alert.rule.enabled': true,
      'kibana.alert.rule.actions': [],
      'kibana.alert.rule.risk_score_mapping': [],
      'kibana.alert.rule.severity_mapping': [],
      'kibana.alert.rule.risk_score': 73,
      'kibana.alert.rule.severity': 'high',
      'kibana.alert.rule.description': rule.description,
    });
    expect(alert['kibana.alert.rule.parameters']).toEqual(kibanaParams(rule));
  });

  it('copies the MITRE threat mapping', () => {
    const threat = alert['kibana.alert.rule.threat'] as Array<{
      tactic: { id: string };
      technique: Array<{ id: string }>;
    }>;
    expect(threat.map((t) => t.tactic.id)).toEqual(['TA0002', 'TA0011', 'TA0005']);
    expect(threat[0].technique[0]).toMatchObject({ id: 'T1059', subtechnique: [{ id: 'T1059.003' }] });
    expect(threat).toEqual(kibanaParams(rule).threat);
  });

  it('writes what Kibana leaves undefined not at all (no url without a public base URL, no risk placeholders)', () => {
    expect(alert).not.toHaveProperty(['kibana.alert.url']);
    expect(alert).not.toHaveProperty(['kibana.alert.building_block_type']);
    expect(alert).not.toHaveProperty(['kibana.alert.rule.building_block_type']);
    expect(alert).not.toHaveProperty(['kibana.alert.rule.namespace']);
    expect(alert).not.toHaveProperty(['kibana.alert.rule.throttle']);
    expect(Object.keys(alert).filter((k) => /criticality|risk\.calculated/.test(k))).toEqual([]);
    expect(JSON.parse(JSON.stringify(alert))).toEqual(alert);
  });

  it('puts the persistence wrapper fields first and the alert fields after the source', () => {
    const keys = Object.keys(alert);
    expect(keys.slice(0, 4)).toEqual([
      'kibana.alert.rule.execution.timestamp',
      'kibana.alert.start',
      'kibana.alert.last_detected',
      'kibana.version',
    ]);
    expect(keys.indexOf('host')).toBeLessThan(keys.indexOf('kibana.alert.ancestors'));
  });

  it('keeps the rule parameters where Kibana puts them, equal to a fresh copy, shared read-only between alerts', () => {
    const keys = Object.keys(alert);
    // The framework's placeholder comes right after the version; the alert's copy keeps that place.
    expect(keys.indexOf('kibana.alert.rule.parameters')).toBe(keys.indexOf('kibana.version') + 1);
    const params = alert['kibana.alert.rule.parameters'] as Record<string, unknown>;
    expect(params).toEqual(JSON.parse(JSON.stringify(kibanaParams(rule))));
    const a = eventAlert(sysmonProcessStart(), CTX, rule);
    const b = eventAlert(sysmonProcessStart(), CTX, rule);
    expect(b['kibana.alert.rule.parameters']).toBe(a['kibana.alert.rule.parameters']);
    expect(() => {
      (params.threat as unknown[]).push('x');
    }).toThrow(TypeError);
  });

  it('does not modify the input document', () => {
    const d = sysmonProcessStart();
    eventAlert(d);
    expect(d).toEqual(sysmonProcessStart());
  });
});

describe('deterministic ids', () => {
  it('are the same when the same hunt runs twice', () => {
    expect(eventAlert()).toEqual(eventAlert());
  });

  it('are the same for the same event read from two files (ingest time and file path differ)', () => {
    const a = sysmonProcessStart();
    const b = sysmonProcessStart();
    a.log = { level: 'information', file: { path: 'C:\\triage\\host1\\Microsoft-Windows-Sysmon%4Operational.evtx' } };
    b.log = { level: 'information', file: { path: '/cases/42/copy/Sysmon.evtx' } };
    (a.event as Record<string, unknown>).ingested = '2025-03-14T10:32:01Z';
    (b.event as Record<string, unknown>).ingested = '2026-01-01T00:00:00Z';
    expect(eventAlert(a)['kibana.alert.uuid']).toBe(eventAlert(b)['kibana.alert.uuid']);
  });

  it('differ for different events and across spaces', () => {
    const other = sysmonProcessStart();
    (other.winlog as Record<string, unknown>).record_id = '412779';
    const base = eventAlert()['kibana.alert.uuid'];
    expect(eventAlert(other)['kibana.alert.uuid']).not.toBe(base);
    expect(eventAlert(undefined, { ...CTX, spaceId: 'soc' })['kibana.alert.uuid']).not.toBe(base);
  });

  it('do not depend on the rule version (one saved object across upgrades)', () => {
    const rule = foundingRule().rule;
    const upgraded: Rule = { ...rule, version: rule.version + 3 };
    const a = eventAlert(undefined, CTX, rule);
    const b = eventAlert(undefined, CTX, upgraded);
    expect(b['kibana.alert.uuid']).toBe(a['kibana.alert.uuid']);
    expect(b['kibana.alert.rule.version']).toBe(rule.version + 3);
  });

  it("use the input's own _id when it has one (Elasticsearch exports)", () => {
    const rule = foundingRule();
    const a = buildEventAlert(
      rule,
      { doc: sysmonProcessStart(), index: '.ds-logs-x-2025.03.14-000001', id: 'Xy3kQ5UBm1v2' },
      CTX,
    );
    const ruleUuid = ruleSavedObjectId(FOUNDING_ID);
    expect(a?.['kibana.alert.uuid']).toBe(
      sha256('.ds-logs-x-2025.03.14-000001' + 'Xy3kQ5UBm1v2' + 'undefined' + `default:${ruleUuid}`),
    );
    expect(a?.['kibana.alert.ancestors']).toEqual([
      { id: 'Xy3kQ5UBm1v2', type: 'event', index: '.ds-logs-x-2025.03.14-000001', depth: 0 },
    ]);
  });

  it("take the rule's saved-object id from the context when known", () => {
    const a = eventAlert(undefined, { ...CTX, ruleUuid: '5f0c4b1a-0000-4000-8000-000000000001' });
    expect(a['kibana.alert.rule.uuid']).toBe('5f0c4b1a-0000-4000-8000-000000000001');
    expect(a['kibana.alert.uuid']).toBe(
      sha256(
        SYSMON_INDEX + contentId(sysmonProcessStart()) + 'undefined' + 'default:5f0c4b1a-0000-4000-8000-000000000001',
      ),
    );
  });
});

describe('run context', () => {
  it('links the alert under the public base URL, with the space in the path when not default', () => {
    const a = eventAlert(undefined, { ...CTX, spaceId: 'team-a', publicBaseUrl: 'https://kibana.example.com/' });
    expect(a['kibana.space_ids']).toEqual(['team-a']);
    expect(a['kibana.alert.url']).toBe(
      `https://kibana.example.com/s/team-a/app/security/alerts/redirect/${a['kibana.alert.uuid']}` +
        '?index=.alerts-security.alerts-team-a&timestamp=2025-03-14T10:35:00.000Z',
    );
    const d = eventAlert(undefined, { ...CTX, publicBaseUrl: 'https://kibana.example.com' });
    expect(d['kibana.alert.url']).toBe(
      `https://kibana.example.com/app/security/alerts/redirect/${d['kibana.alert.uuid']}` +
        '?index=.alerts-security.alerts-default&timestamp=2025-03-14T10:35:00.000Z',
    );
  });

  it('marks scheduled runs, and manual runs with their intended time', () => {
    const s = eventAlert(undefined, { now: NOW });
    expect(s['kibana.alert.rule.execution.type']).toBe('scheduled');
    expect(s['kibana.alert.intended_timestamp']).toBe(NOW.toISOString());
    const m = eventAlert(undefined, { now: NOW, intendedTimestamp: new Date('2025-03-14T10:30:00Z') });
    expect(m['kibana.alert.rule.execution.type']).toBe('manual');
    expect(m['kibana.alert.intended_timestamp']).toBe('2025-03-14T10:30:00.000Z');
    expect(m['@timestamp']).toBe(NOW.toISOString());
  });

  it('stamps the Kibana version asked for', () => {
    expect(eventAlert(undefined, { ...CTX, kibanaVersion: '8.19.3' })['kibana.version']).toBe('8.19.3');
  });
});

describe('optional rule settings', () => {
  it('carries building-block type, meta (flattened), timeline template and rule-name override field', () => {
    const base = foundingRule().rule;
    const rule: Rule = {
      ...base,
      buildingBlockType: 'default',
      meta: { from: '1m', kibana_siem_app_url: 'https://kibana.example.com/app/security', nested: { a: 1 } },
      timelineId: 'e70679c2-6cde-4510-9764-4823df18f7db',
      timelineTitle: 'Comprehensive Process Timeline',
    };
    const a = eventAlert(undefined, CTX, rule);
    expect(a).toMatchObject({
      'kibana.alert.building_block_type': 'default',
      'kibana.alert.rule.building_block_type': 'default',
      'kibana.alert.rule.meta.from': '1m',
      'kibana.alert.rule.meta.kibana_siem_app_url': 'https://kibana.example.com/app/security',
      'kibana.alert.rule.meta.nested.a': 1,
      'kibana.alert.rule.timeline_id': 'e70679c2-6cde-4510-9764-4823df18f7db',
      'kibana.alert.rule.timeline_title': 'Comprehensive Process Timeline',
    });
    expect(a).not.toHaveProperty(['kibana.alert.group.id']);
  });
});

describe('overrides by mapping', () => {
  const base = foundingRule().rule;
  const rule: Rule = {
    ...base,
    severityMapping: [
      { field: 'event.severity', operator: 'equals', value: '73', severity: 'critical' },
      { field: 'host.name', operator: 'equals', value: 'WIN-FIN-07', severity: 'low' },
      { field: 'user.name', operator: 'equals', value: 'nobody', severity: 'medium' },
    ],
    riskScoreMapping: [{ field: 'event.risk_score', operator: 'equals', value: '' }],
    ruleNameOverride: 'rule.name',
  };

  it('takes the highest matching severity, the largest valid risk score and the overriding name', () => {
    const doc = sysmonProcessStart();
    Object.assign(doc.event as Record<string, unknown>, { severity: 73, risk_score: [12, '88', 150, 'x'] });
    doc.rule = { name: 'Shell Spawned Script Host' };
    const a = eventAlert(doc, CTX, rule);
    expect(a['kibana.alert.severity']).toBe('critical');
    expect(a['kibana.alert.risk_score']).toBe(88);
    expect(a['kibana.alert.rule.name']).toBe('Shell Spawned Script Host');
    expect(a['kibana.alert.reason']).toBe(
      'process event with process cmd.exe, parent process explorer.exe, by j.doe on WIN-FIN-07 ' +
        'created critical alert Shell Spawned Script Host.',
    );
    // The rule's own values stay in the rule fields.
    expect(a['kibana.alert.rule.severity']).toBe('high');
    expect(a['kibana.alert.rule.risk_score']).toBe(73);
    expect(a['kibana.alert.rule.rule_name_override']).toBe('rule.name');
  });

  it('compares event.severity as an integer only, other fields as text', () => {
    const doc = sysmonProcessStart();
    Object.assign(doc.event as Record<string, unknown>, { severity: '73' });
    expect(eventAlert(doc, CTX, rule)['kibana.alert.severity']).toBe('low');
  });

  it('keeps the static values when nothing maps, and a non-string name field does not rename', () => {
    const doc = sysmonProcessStart();
    doc.host = { ...(doc.host as object), name: 'OTHER' };
    doc.rule = { name: 42 };
    const a = eventAlert(doc, CTX, rule);
    expect(a['kibana.alert.severity']).toBe('high');
    expect(a['kibana.alert.risk_score']).toBe(73);
    expect(a['kibana.alert.rule.name']).toBe(base.name);
  });

  it('shows the severity mapping sorted low to critical, as Kibana sorts it in place', () => {
    const a = eventAlert(undefined, CTX, rule);
    const order = (a['kibana.alert.rule.severity_mapping'] as Array<{ severity: string }>).map((m) => m.severity);
    expect(order).toEqual(['low', 'medium', 'critical']);
    const params = a['kibana.alert.rule.parameters'] as { severity_mapping: Array<{ severity: string }> };
    expect(params.severity_mapping.map((m) => m.severity)).toEqual(['low', 'medium', 'critical']);
  });
});

describe('source preparation', () => {
  it('drops kibana.* and ECS-incompatible fields and keeps unknown ones', () => {
    const doc = sysmonProcessStart();
    doc.kibana = { alert: { severity: 'low' } };
    doc['kibana.alert.rule.name'] = 'spoofed';
    doc['process.name.text'] = 'cmd';
    doc.custom = { anything: [1, 'two'] };
    (doc.host as Record<string, unknown>).ip = ['10.20.30.41', 'not-an-ip'];
    const a = eventAlert(doc);
    expect(a).not.toHaveProperty(['kibana']);
    expect(a['kibana.alert.rule.name']).toBe('Suspicious Windows Command Shell Arguments');
    expect(a).not.toHaveProperty(['process.name.text']);
    expect((a.host as Record<string, unknown>).ip).toEqual(['10.20.30.41']);
    expect(a.custom).toEqual({ anything: [1, 'two'] });
  });

  it('clears a dotted event.kind and keeps an emptied event object, as Kibana does', () => {
    const doc: Record<string, unknown> = {
      '@timestamp': '2025-03-14T10:31:58.004Z',
      'event.kind': 'event',
      event: { category: 'process' },
      process: { name: 'cmd.exe' },
    };
    const a = eventAlert(doc);
    expect(a['event.kind']).toBe('signal');
    expect(a['kibana.alert.original_event.kind']).toBe('event');
    expect(a['kibana.alert.original_event.category']).toBe('process');
  });

  it("knows an alert's id before building it (eventAlertUuid), with and without the event's _id", () => {
    for (const event of [
      { doc: sysmonProcessStart(), index: SYSMON_INDEX },
      { doc: sysmonProcessStart(), index: SYSMON_INDEX, id: 'abc' },
      { doc: sysmonProcessStart() },
    ]) {
      const a = buildEventAlert(foundingRule(), event, { ...CTX, spaceId: 'team-a' });
      expect(eventAlertUuid(foundingRule(), event, { ...CTX, spaceId: 'team-a' })).toBe(a?.['kibana.alert.uuid']);
    }
  });

  it('does not alert on an alert from the same rule', () => {
    const first = eventAlert();
    const again = buildEventAlert(
      foundingRule(),
      { doc: first, index: '.internal.alerts-security.alerts-default-000001' },
      CTX,
    );
    expect(again).toBeUndefined();
  });

  it('records an alert built on another alert as a signal ancestor one level deeper', () => {
    const first = eventAlert();
    const a = buildEventAlert(
      sequenceRule().rule,
      { doc: first, index: '.internal.alerts-security.alerts-default-000001' },
      CTX,
    );
    const ancestors = a?.['kibana.alert.ancestors'] as Array<Record<string, unknown>>;
    expect(ancestors).toHaveLength(2);
    expect(ancestors[0]).toEqual(first['kibana.alert.ancestors'] && (first['kibana.alert.ancestors'] as unknown[])[0]);
    expect(ancestors[1]).toEqual({
      id: ancestors[1].id,
      type: 'signal',
      index: '.internal.alerts-security.alerts-default-000001',
      depth: 1,
      rule: ruleSavedObjectId(FOUNDING_ID),
    });
    expect(a?.['kibana.alert.depth']).toBe(2);
  });
});

describe('sequence alerts', () => {
  const prepared = sequenceRule();
  const ruleUuid = ruleSavedObjectId('0f2a6c1e-3b4d-4e5f-8a9b-0c1d2e3f4a5b');
  const first = sysmonProcessStart();
  const second: Record<string, unknown> = {
    '@timestamp': '2025-03-14T10:32:10.500Z',
    agent: first.agent,
    data_stream: first.data_stream,
    ecs: first.ecs,
    event: {
      action: 'Network connection detected (rule: NetworkConnect)',
      category: ['network'],
      code: '3',
      dataset: 'windows.sysmon_operational',
      ingested: '2025-03-14T10:32:12Z',
      kind: 'event',
      module: 'windows',
      provider: 'Microsoft-Windows-Sysmon',
      type: ['start', 'connection'],
    },
    host: first.host,
    network: { direction: 'egress', transport: 'tcp', type: 'ipv4' },
    process: {
      entity_id: '{7d1c9a52-3b4e-4f60-8a21-0c9d8e7f6a51}',
      executable: 'C:\\Windows\\System32\\cmd.exe',
      name: 'cmd.exe',
      pid: 4812,
    },
    source: { ip: '10.20.30.41', port: 49812 },
    destination: { ip: '203.0.113.7', port: 443 },
    user: first.user,
    winlog: { channel: 'Microsoft-Windows-Sysmon/Operational', event_id: '3', record_id: '412790' },
  };
  const id1 = contentId(first);
  const id2 = contentId(second);
  const docs = buildSequenceAlerts(
    prepared,
    [
      { doc: first, index: SYSMON_INDEX },
      { doc: second, index: SYSMON_INDEX },
    ],
    CTX,
  );
  const [shell, b0, b1] = docs;

  it('returns the shell first, then one building block per event', () => {
    expect(docs).toHaveLength(3);
    expect(b0['kibana.alert.group.index']).toBe(0);
    expect(b1['kibana.alert.group.index']).toBe(1);
  });

  it("gives building blocks Kibana's ids: sha256(all blocks' ancestor ids and indices + rule uuid, then the position)", () => {
    const base = id1 + SYSMON_INDEX + ruleUuid + id2 + SYSMON_INDEX + ruleUuid;
    expect(b0['kibana.alert.uuid']).toBe(sha256(base + '0'));
    expect(b1['kibana.alert.uuid']).toBe(sha256(base + '1'));
  });

  it('gives the shell the id of its ancestors (events and blocks) and the rule uuid, which is also the group id', () => {
    const bb0 = sha256(id1 + SYSMON_INDEX + ruleUuid + id2 + SYSMON_INDEX + ruleUuid + '0');
    const bb1 = sha256(id1 + SYSMON_INDEX + ruleUuid + id2 + SYSMON_INDEX + ruleUuid + '1');
    const shellId = sha256(id1 + SYSMON_INDEX + bb0 + '' + id2 + SYSMON_INDEX + bb1 + '' + ruleUuid);
    expect(shell['kibana.alert.uuid']).toBe(shellId);
    expect(shell['kibana.alert.group.id']).toBe(shellId);
    expect(b0['kibana.alert.group.id']).toBe(shellId);
    expect(b1['kibana.alert.group.id']).toBe(shellId);
    expect(shell['kibana.alert.ancestors']).toEqual([
      { id: id1, type: 'event', index: SYSMON_INDEX, depth: 0 },
      { id: bb0, type: 'signal', index: '', depth: 1, rule: ruleUuid },
      { id: id2, type: 'event', index: SYSMON_INDEX, depth: 0 },
      { id: bb1, type: 'signal', index: '', depth: 1, rule: ruleUuid },
    ]);
    expect(shell['kibana.alert.depth']).toBe(2);
    expect(shell).not.toHaveProperty(['kibana.alert.group.index']);
  });

  it('marks blocks as building blocks carrying their own event and time; the shell as the alert', () => {
    for (const b of [b0, b1]) {
      expect(b['kibana.alert.building_block_type']).toBe('default');
      expect(b['kibana.alert.depth']).toBe(1);
    }
    expect(shell).not.toHaveProperty(['kibana.alert.building_block_type']);
    expect(b0['kibana.alert.original_time']).toBe('2025-03-14T10:31:58.004Z');
    expect(b1['kibana.alert.original_time']).toBe('2025-03-14T10:32:10.500Z');
    expect(b1.destination).toEqual({ ip: '203.0.113.7', port: 443 });
    expect(b1['kibana.alert.ancestors']).toEqual([{ id: id2, type: 'event', index: SYSMON_INDEX, depth: 0 }]);
    // Kibana takes the shell's original time from its first block's @timestamp: the alert time.
    expect(shell['kibana.alert.original_time']).toBe(NOW.toISOString());
  });

  it('gives each block the reason of its event, the shell the reason of what all events share', () => {
    expect(b0['kibana.alert.reason']).toBe(
      'process event with process cmd.exe, parent process explorer.exe, by j.doe on WIN-FIN-07 ' +
        'created medium alert Office Shell Followed by Network Connection.',
    );
    expect(b1['kibana.alert.reason']).toBe(
      'network event with process cmd.exe, source 10.20.30.41:49812, destination 203.0.113.7:443, by j.doe on WIN-FIN-07 ' +
        'created medium alert Office Shell Followed by Network Connection.',
    );
    expect(shell['kibana.alert.reason']).toBe(
      'event with process cmd.exe, by j.doe on WIN-FIN-07 created medium alert Office Shell Followed by Network Connection.',
    );
  });

  it('holds in the shell the fields common to all events', () => {
    expect(shell.host).toEqual(first.host);
    expect(shell.user).toEqual(first.user);
    expect(shell.process).toEqual({
      entity_id: '{7d1c9a52-3b4e-4f60-8a21-0c9d8e7f6a51}',
      executable: 'C:\\Windows\\System32\\cmd.exe',
      name: 'cmd.exe',
      pid: 4812,
    });
    expect(shell.event).toEqual({
      category: [],
      dataset: 'windows.sysmon_operational',
      module: 'windows',
      provider: 'Microsoft-Windows-Sysmon',
      type: ['start'],
    });
    expect(shell['kibana.alert.original_event.type']).toEqual(['start']);
    expect(shell['kibana.alert.original_event.kind']).toBe('event');
    expect(shell).not.toHaveProperty(['kibana.alert.original_event.code']);
    expect(shell).not.toHaveProperty(['source']);
    expect(shell).not.toHaveProperty(['network']);
    expect(shell.winlog).toEqual({ channel: 'Microsoft-Windows-Sysmon/Operational' });
    expect(shell['event.kind']).toBe('signal');
    expect(shell['@timestamp']).toBe(NOW.toISOString());
    expect(shell['kibana.alert.rule.parameters']).toEqual(kibanaParams(prepared.rule));
    // Kibana (since #254830) flattens through the blocks' dotted parameters object, so the
    // intersection of the parameters also lands nested; arrays of objects (separate copies) are empty.
    const nested = (shell.kibana as { alert: { rule: { parameters: Record<string, unknown> } } }).alert.rule.parameters;
    expect(nested.rule_id).toBe('0f2a6c1e-3b4d-4e5f-8a9b-0c1d2e3f4a5b');
    expect(nested.threat).toEqual([]);
  });

  it('skips missing-event stages: no block, no ancestor, same ids', () => {
    const withGap = buildSequenceAlerts(
      prepared,
      [{ doc: first, index: SYSMON_INDEX }, null, { doc: second, index: SYSMON_INDEX }],
      CTX,
    );
    expect(withGap.map((d) => d['kibana.alert.uuid'])).toEqual(docs.map((d) => d['kibana.alert.uuid']));
    expect(withGap[2]['kibana.alert.group.index']).toBe(1);
  });

  it('is deterministic', () => {
    const again = buildSequenceAlerts(
      prepared,
      [
        { doc: sysmonProcessStart(), index: SYSMON_INDEX },
        { doc: structuredClone(second), index: SYSMON_INDEX },
      ],
      CTX,
    );
    expect(again).toEqual(docs);
  });

  it('writes nothing when no event is present or an event is an alert from the same rule', () => {
    expect(buildSequenceAlerts(prepared, [null], CTX)).toEqual([]);
    expect(
      buildSequenceAlerts(prepared, [{ doc: b0, index: '.internal.alerts-security.alerts-default-000001' }], CTX),
    ).toEqual([]);
  });
});
