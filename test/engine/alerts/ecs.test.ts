import { describe, expect, it } from 'vitest';
import { isEcsCompliant, stripNonEcs } from '../../../src/engine/alerts/index.js';

describe('ECS compliance (Kibana traverseAndMutateDoc)', () => {
  it('validates dates like Kibana (its is_valid_date_type test cases)', () => {
    for (const ok of [
      '2015-01-01T12:10:30.666Z',
      '2015-01-01T12:10:30.666',
      '2015-01-01T12:10:30Z',
      '2015-01-01T12:10:30',
      '2015-01-01T12:10Z',
      '2015-01-01T12:10',
      '2015-01-01T12Z',
      '2015-01-01T12',
      '2015-01-01T',
      '2015-01-01',
      '2015-01',
      '2015',
      387497835948,
    ])
      expect(isEcsCompliant(ok, '@timestamp'), String(ok)).toBe(true);
    for (const bad of ['non-valid', true, '2022/12/12', '2015Z', '2015-01-', '2015-01-01T12: 10Z', '2015-20-20'])
      expect(isEcsCompliant(bad, '@timestamp'), String(bad)).toBe(false);
  });

  it('judges the common UTC instant shape by the same calendar and clock rules', () => {
    for (const ok of ['2024-02-29T23:59:59.123456789Z', '2024-01-31T24:00:00Z', '2000-02-29T00:00:00.1Z'])
      expect(isEcsCompliant(ok, '@timestamp'), ok).toBe(true);
    for (const bad of [
      '2023-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2024-04-31T00:00:00Z',
      '2024-13-01T00:00:00Z',
      '2024-01-01T24:00:01Z',
      '2024-01-01T12:60:00Z',
      '2024-01-01T12:00:00.Z',
      '2024-01-01T12:00:00.1aZ',
    ])
      expect(isEcsCompliant(bad, '@timestamp'), bad).toBe(false);
  });

  it('validates ips, longs, floats and booleans like Kibana', () => {
    expect(isEcsCompliant('127.0.0.1', 'source.ip')).toBe(true);
    expect(isEcsCompliant('2001:db8::', 'source.ip')).toBe(true);
    for (const bad of ['2001:db8:://12', 'localhost', '127.0.0.'])
      expect(isEcsCompliant(bad, 'source.ip'), bad).toBe(false);
    expect(isEcsCompliant('443', 'source.port')).toBe(true);
    expect(isEcsCompliant('4 43', 'source.port')).toBe(false);
    expect(isEcsCompliant('2015x', 'source.port')).toBe(false);
    expect(isEcsCompliant('0.5', 'host.cpu.usage')).toBe(true);
    expect(isEcsCompliant('x', 'host.cpu.usage')).toBe(false);
    expect(isEcsCompliant('false', 'dll.code_signature.trusted')).toBe(true);
    expect(isEcsCompliant('no', 'dll.code_signature.trusted')).toBe(false);
  });

  it('rejects objects where ECS has a leaf, leaves where it has an object, and paths below a leaf', () => {
    expect(isEcsCompliant({ first: 'x' }, 'agent.name')).toBe(false);
    expect(isEcsCompliant('WIN-1', 'host')).toBe(false);
    expect(isEcsCompliant('x', 'agent.name.conflict')).toBe(false);
    expect(isEcsCompliant({ any: 1 }, 'custom.field')).toBe(true);
    expect(isEcsCompliant('raw', 'threat.enrichments')).toBe(false);
    expect(isEcsCompliant([{ indicator: {} }], 'threat.enrichments')).toBe(true);
  });

  it('judges every path alike when its cache of paths fills up and starts over in the middle of a document', () => {
    // More distinct paths than the cache holds (20,000), with the ones to judge before and after.
    const many: Record<string, number> = {};
    for (let i = 0; i < 25_000; i++) many[`k${i}`] = i;
    const doc = { source: { ip: 'not an ip', port: 443 }, custom: many, host: { ip: 'nope' }, 'agent.name': { a: 1 } };
    const { doc: out, removed } = stripNonEcs(doc);
    expect(removed).toEqual(['source.ip', 'host.ip', 'agent.name']);
    expect(out).toEqual({ source: { port: 443 }, custom: many });
    // Dotted and nested spellings of one path are judged alike, before and after the cache started over.
    for (const d of [{ 'source.ip': 'x' }, { source: { ip: 'x' } }, { 'source.ip': '10.0.0.1' }])
      expect(stripNonEcs(d).removed).toEqual(d['source.ip'] === '10.0.0.1' ? [] : ['source.ip']);
    expect(isEcsCompliant('x', 'source.ip')).toBe(false);
  });

  it('strips banned and incompatible fields, keeps compatible ones, copies event and data_stream', () => {
    const doc: Record<string, unknown> = {
      '@timestamp': 'yesterday',
      kibana: { x: 1 },
      'signal.rule.id': 'old',
      threshold_result: {},
      agent: { name: { nested: true }, type: 'filebeat' },
      host: { ip: ['10.0.0.1', 'bogus', ['10.0.0.2', 'worse']], name: 'h' },
      process: { pid: 'not a number' },
      event: { kind: 'event', category: ['process'], module: 'windows' },
      'event.action': 'start',
      data_stream: { type: 'logs', dataset: 'x', namespace: 'default' },
      winlog: { event_data: { Anything: { goes: 1 } } },
    };
    const { doc: out, removed } = stripNonEcs(doc);
    expect(out).toEqual({
      agent: { type: 'filebeat' },
      host: { ip: ['10.0.0.1', ['10.0.0.2']], name: 'h' },
      event: { kind: 'event', category: ['process'], module: 'windows' },
      'event.action': 'start',
      data_stream: { type: 'logs', dataset: 'x', namespace: 'default' },
      winlog: { event_data: { Anything: { goes: 1 } } },
      'kibana.alert.original_event.kind': 'event',
      'kibana.alert.original_event.category': ['process'],
      'kibana.alert.original_event.module': 'windows',
      'kibana.alert.original_event.action': 'start',
      'kibana.alert.original_data_stream.type': 'logs',
      'kibana.alert.original_data_stream.dataset': 'x',
      'kibana.alert.original_data_stream.namespace': 'default',
    });
    expect(removed.sort()).toEqual(
      [
        '@timestamp',
        'kibana',
        'signal.rule.id',
        'threshold_result',
        'agent.name',
        'host.ip',
        'host.ip',
        'process.pid',
      ].sort(),
    );
  });
});
