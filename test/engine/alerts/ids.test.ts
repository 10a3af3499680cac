import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  EQLITE_RULE_NAMESPACE,
  buildingBlockIds,
  canonicalJson,
  eventContentId,
  ruleSavedObjectId,
  shellAlertId,
  singleEventAlertId,
  uuidV5,
} from '../../../src/engine/alerts/index.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const DNS = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

describe('rule saved-object id stand-in', () => {
  it('is a name-based UUID v5 (checked on the well-known python uuid5(NAMESPACE_DNS, "www.example.com") value)', () => {
    expect(uuidV5('www.example.com', DNS)).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it("is the v5 UUID of the rule_id in eqlite's namespace, the same everywhere", () => {
    const id = ruleSavedObjectId('d9ffc3d6-9de9-4b29-9395-5757d0695ecf');
    expect(id).toBe(uuidV5('d9ffc3d6-9de9-4b29-9395-5757d0695ecf', EQLITE_RULE_NAMESPACE));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ruleSavedObjectId('another-rule')).not.toBe(id);
  });
});

describe("Kibana's id formulas", () => {
  it('single event: sha256 of index, _id, _version and "space:rule" concatenated', () => {
    expect(singleEventAlertId('logs-a', 'ev1', 'undefined', 'default', 'r-uuid')).toBe(
      sha256('logs-aev1undefineddefault:r-uuid'),
    );
  });

  it('building blocks: one base over every block, then the position', () => {
    const ids = buildingBlockIds(
      [
        [{ id: 'e1', index: 'i1' }],
        [
          { id: 'e2', index: 'i2' },
          { id: 'e3', index: 'i3' },
        ],
      ],
      'R',
    );
    expect(ids).toEqual([sha256('e1i1Re2i2e3i3R0'), sha256('e1i1Re2i2e3i3R1')]);
  });

  it('shell: ancestors then the rule uuid', () => {
    expect(
      shellAlertId(
        [
          { id: 'a', index: 'x' },
          { id: 'b', index: '' },
        ],
        'R',
      ),
    ).toBe(sha256('axbR'));
  });
});

describe('event content id', () => {
  it('ignores key order at every level', () => {
    const a = { b: 1, a: { y: [1, { q: 1, p: 2 }], x: 'z' } };
    const b = { a: { x: 'z', y: [1, { p: 2, q: 1 }] }, b: 1 };
    expect(eventContentId(a)).toBe(eventContentId(b));
    expect(canonicalJson(a)).toBe('{"a":{"x":"z","y":[1,{"p":2,"q":1}]},"b":1}');
  });

  it('hashes the canonical JSON with sha256', () => {
    const doc = { '@timestamp': '2025-01-01T00:00:00Z', host: { name: 'h' } };
    expect(eventContentId(doc)).toBe(sha256('{"@timestamp":"2025-01-01T00:00:00Z","host":{"name":"h"}}'));
  });

  it('leaves out event.ingested and log.file.path, nested or dotted, and nothing else', () => {
    const base = { event: { code: '1' }, log: { level: 'info' }, host: { name: 'h' } };
    const id = eventContentId(base);
    expect(eventContentId({ ...base, event: { code: '1', ingested: '2025-01-01T00:00:00Z' } })).toBe(id);
    expect(eventContentId({ ...base, 'event.ingested': '2025-01-01T00:00:00Z' })).toBe(id);
    expect(eventContentId({ ...base, log: { level: 'info', file: { path: '/x/a.evtx' } } })).not.toBe(
      eventContentId({ ...base, log: { level: 'info', file: { path: '/y/b.evtx', extra: 1 } } }),
    );
    expect(eventContentId({ ...base, log: { level: 'info', file: { path: '/x/a.evtx' } } })).toBe(
      eventContentId({ ...base, log: { level: 'info', file: { path: '/y/b.evtx' } } }),
    );
    expect(eventContentId({ ...base, event: { code: '2' } })).not.toBe(id);
  });

  it('leaves out an excluded field stored mixed (`log.file: {path}`), keeping what surrounds it', () => {
    const doc = { 'log.file': { path: '/x', size: 1 }, log: { file: { path: '/y' } }, 'event.ingested.x': 1 };
    expect(eventContentId(doc)).toBe(sha256('{"event.ingested.x":1,"log":{"file":{}},"log.file":{"size":1}}'));
  });
});
