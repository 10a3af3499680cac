import { describe, expect, it } from 'vitest';
import { alertReason } from '../../../src/engine/alerts/index.js';

// The cases of Kibana's reason_formatter.test.ts (a hit's `fields` block: every value an array),
// then the rules that follow from its template and `getFieldTemplateValue`.
const fields: Record<string, unknown> = {
  'destination.ip': ['9.99.99.9'],
  'destination.port': ['6789'],
  'event.category': ['test'],
  'file.name': ['sample'],
  'host.name': ['host'],
  'process.name': ['doingThings.exe'],
  'process.parent.name': ['didThings.exe'],
  'source.ip': ['1.11.11.1'],
  'source.port': ['1234'],
  'user.name': ['test-user'],
  '@timestamp': '2021-08-11T02:28:59.101Z',
};
const reason = (over: Record<string, unknown>) => alertReason({ ...fields, ...over }, 'medium', 'my-rule');

describe('reason sentence', () => {
  it('has every clause in order', () => {
    expect(reason({})).toBe(
      'test event with process doingThings.exe, parent process didThings.exe, file sample, source 1.11.11.1:1234, ' +
        'destination 9.99.99.9:6789, by test-user on host created medium alert my-rule.',
    );
  });

  it('joins arrays with a comma and a space', () => {
    expect(reason({ 'event.category': ['item one', 'item two'] })).toMatch(/^item one, item two event with /);
  });

  it('leaves out a clause whose value is "-"', () => {
    expect(reason({ 'host.name': ['-'] })).toMatch(/, by test-user created medium alert my-rule\.$/);
    expect(reason({ 'user.name': ['-'] })).toMatch(/destination 9\.99\.99\.9:6789, on host created/);
  });

  it('puts the comma after the port, so it goes with it', () => {
    expect(reason({ 'destination.port': ['-'] })).toMatch(
      /source 1\.11\.11\.1:1234, destination 9\.99\.99\.9 by test-user/,
    );
    expect(reason({ 'destination.ip': ['-'], 'destination.port': ['-'] })).toMatch(
      /source 1\.11\.11\.1:1234, by test-user on host/,
    );
    expect(reason({ 'source.port': ['-'] })).toMatch(/file sample, source 1\.11\.11\.1 destination 9\.99\.99\.9:6789,/);
    expect(reason({ 'source.ip': ['-'], 'source.port': ['-'] })).toMatch(/file sample, destination 9\.99\.99\.9:6789,/);
  });

  it('says "with" only when process, parent, file, source or destination is there', () => {
    expect(reason({ 'process.name': ['-'], 'process.parent.name': ['-'] })).toBe(
      'test event with file sample, source 1.11.11.1:1234, destination 9.99.99.9:6789, by test-user on host ' +
        'created medium alert my-rule.',
    );
    expect(alertReason({ 'event.category': ['test'], 'user.name': ['test-user'] }, 'medium', 'my-rule')).toBe(
      'test event by test-user created medium alert my-rule.',
    );
    expect(alertReason({ 'source.port': [53] }, 'low', 'r')).toBe('event with:53, created low alert r.');
  });

  it('reads nested documents the same way as dotted ones', () => {
    const doc = {
      event: { category: ['process'] },
      process: { name: 'cmd.exe', parent: { name: 'explorer.exe' } },
      user: { name: 'bob' },
      host: { name: 'WS1' },
    };
    expect(alertReason(doc, 'high', 'R')).toBe(
      'process event with process cmd.exe, parent process explorer.exe, by bob on WS1 created high alert R.',
    );
  });

  it('reads a shell intersection from _source, where a numeric port has no length and drops', () => {
    const doc = { source: { ip: '10.0.0.1', port: 445 }, destination: { ip: ['10.0.0.2'], port: [445] } };
    expect(alertReason(doc, 'low', 'R', 'source')).toBe(
      'event with source 10.0.0.1 destination 10.0.0.2:445, created low alert R.',
    );
    expect(alertReason(doc, 'low', 'R', 'fields')).toBe(
      'event with source 10.0.0.1:445, destination 10.0.0.2:445, created low alert R.',
    );
  });

  it('drops a clause whose text is "null" (the ICU select branch) but still says "with"', () => {
    expect(alertReason({ process: { name: 'null' }, host: { name: 'h' } }, 'low', 'R')).toBe(
      'event with on h created low alert R.',
    );
  });

  it('is the bare sentence when nothing is known', () => {
    expect(alertReason(undefined, 'high', 'R', 'source')).toBe('event created high alert R.');
    expect(alertReason({}, 'critical', 'R')).toBe('event created critical alert R.');
  });
});
