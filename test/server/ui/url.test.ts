/** Links the UI may render: only http(s)/mailto, and MITRE links built from ids. */
import { describe, expect, it } from 'vitest';
import { mitreTacticUrl, mitreTechniqueUrl, safeHref } from '../../../src/server/ui/lib/url.js';

describe('safeHref', () => {
  it('keeps http, https and mailto', () => {
    expect(safeHref('https://attack.mitre.org/techniques/T1059/')).toBe('https://attack.mitre.org/techniques/T1059/');
    expect(safeHref('http://example.com/a b')).toBe('http://example.com/a%20b');
    expect(safeHref('mailto:soc@example.com')).toBe('mailto:soc@example.com');
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    '//evil.example/x',
    '/relative',
    '#/alerts',
    '',
    'https://exa\u0000mple.com',
  ])('refuses %j', (u) => {
    expect(safeHref(u)).toBeNull();
  });

  it('refuses non-strings', () => {
    expect(safeHref(42)).toBeNull();
    expect(safeHref(null)).toBeNull();
  });
});

describe('MITRE links', () => {
  it('builds tactic, technique and subtechnique URLs', () => {
    expect(mitreTacticUrl('TA0002')).toBe('https://attack.mitre.org/tactics/TA0002/');
    expect(mitreTechniqueUrl('T1059')).toBe('https://attack.mitre.org/techniques/T1059/');
    expect(mitreTechniqueUrl('T1059.003')).toBe('https://attack.mitre.org/techniques/T1059/003/');
  });

  it('refuses ids that are not ATT&CK ids', () => {
    expect(mitreTacticUrl('TA0002/../../evil')).toBeNull();
    expect(mitreTechniqueUrl('javascript:alert(1)')).toBeNull();
    expect(mitreTechniqueUrl('T1059.3')).toBeNull();
  });
});
