/** The ingest prefilter: compiled groups (includes, or one alternation for large groups) decide as plain substring tests do. */
import { hash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compileQuery, requiredLiterals } from '../../src/eql/index.js';
import { foldText } from '../../src/eql/fold.js';
import { autoId, compileSpec, isCandidate, prepare, type CandidateSpec } from '../../src/server/ingest/prepare.js';

function naive(text: string, spec: CandidateSpec): boolean {
  if (spec.always || text.includes('\\u') || text.includes('\\/')) return true;
  const esc = (s: string) => JSON.stringify(s).slice(1, -1);
  return spec.rules.some((groups) =>
    groups.every((g) =>
      g.values.some((v) => (g.ci ? foldText(text).includes(foldText(esc(v))) : text.includes(esc(v)))),
    ),
  );
}

describe('candidate prefilter', () => {
  const spec: CandidateSpec = {
    always: false,
    rules: [
      [
        { values: ['process'], ci: false },
        { values: ['cmd.exe'], ci: true },
        {
          values: ['wscript.exe', ').run(', 'c:\\temp\\', 'cls&cls', ' &&s^et', '[a-z]+', 'a|b', '$x', 'ping'],
          ci: true,
        },
      ],
      [{ values: ['Kelvin K'], ci: true }],
    ],
  };
  const compiled = compileSpec(spec);
  const texts = [
    '{"process":{"name":"CMD.EXE","command_line":"WScript.exe x"}}',
    '{"process":{"name":"cmd.exe","command_line":"x).Run(y"}}',
    '{"process":{"name":"cmd.exe","command_line":"C:\\\\Temp\\\\a"}}',
    '{"process":{"name":"cmd.exe","command_line":"cls&cls"}}',
    '{"process":{"name":"cmd.exe","command_line":"a &&S^ET"}}',
    '{"process":{"name":"cmd.exe","command_line":"[A-Z]+"}}',
    '{"process":{"name":"cmd.exe","command_line":"ab"}}',
    '{"process":{"name":"cmd.exe","command_line":"a|b $X"}}',
    '{"process":{"name":"cmd.exe","command_line":"notepad"}}',
    '{"process":{"name":"powershell.exe","command_line":"ping"}}',
    '{"Process":{"name":"cmd.exe","command_line":"ping"}}',
    '{"x":"kelvin \u212a"}',
    '{"x":"\\u0041"}',
  ];
  it('decides as substring tests on the (lower-cased) text do', () => {
    for (const t of texts) expect(isCandidate(t, compiled), t).toBe(naive(t, spec));
    expect(texts.filter((t) => isCandidate(t, compiled)).length).toBeGreaterThan(4);
  });

  it("keeps what the rules' case folding matches and JavaScript's toLowerCase does not (İ, a final Σ)", () => {
    // EQL folds code point by code point (Java's simple mapping: İ → i, Σ → σ); toLowerCase gives
    // İ → i + U+0307 and a word-final Σ → ς, so a screen on toLowerCase alone missed these.
    for (const [query, value] of [
      ['process where process.command_line : "*ping*"', 'PİNG 10.0.0.1'],
      ['process where process.command_line : "*iσ*"', 'İΣ'],
      ['process where process.command_line : "*kelvin*"', 'KELVİN'],
    ]) {
      const q = compileQuery(query);
      const doc = { event: { category: 'process' }, process: { command_line: value } };
      expect(q.filter?.(doc), query).toBe(true);
      const groups = requiredLiterals([q.cond!]).filter((g) => g.values.length > 0);
      const c = compileSpec({ always: false, rules: [groups.map((g) => ({ values: g.values, ci: g.ci }))] });
      expect(isCandidate(JSON.stringify(doc), c), `${query} on ${value}`).toBe(true);
    }
  });

  it('keeps documents whose writer escaped `/` (PHP), where the bytes do not show the literal', () => {
    const q = compileQuery('process where process.executable : "/tmp/*"');
    const doc = { event: { category: 'process' }, process: { executable: '/tmp/x' } };
    expect(q.filter?.(doc)).toBe(true);
    const groups = requiredLiterals([q.cond!]).filter((g) => g.values.length > 0);
    const c = compileSpec({ always: false, rules: [groups.map((g) => ({ values: g.values, ci: g.ci }))] });
    expect(isCandidate(JSON.stringify(doc), c)).toBe(true);
    expect(isCandidate(JSON.stringify(doc).replace(/\//g, '\\/'), c)).toBe(true);
    expect(isCandidate(JSON.stringify({ ...doc, process: { executable: '/var/x' } }), c)).toBe(false);
  });

  it('a literal inside the spliced event.ingested member still counts', () => {
    const s = compileSpec({ always: false, rules: [[{ values: ['2026-01-02'], ci: false }]] });
    const p = prepare({ text: '{"a":1}', index: 'logs-x-default' }, '"event.ingested":"2026-01-02T00:00:00Z"', s);
    expect(p.ok && !p.normalise && p.spliced && p.candidate).toBe(true);
    const q = prepare({ text: '{"a":1}', index: 'logs-x-default' }, '"event.ingested":"2027-01-02T00:00:00Z"', s);
    expect(q.ok && !q.normalise && q.candidate).toBe(false);
  });
});

describe('autoId', () => {
  // The definition: 6 bytes of @timestamp milliseconds (big-endian, 0 when absent or negative,
  // capped at 48 bits) then 9 bytes of SHA-256 over `index \0 text`, in base64url.
  const reference = (index: string, text: string, ts: number | null) => {
    const buf = Buffer.alloc(15);
    const t = ts === null || !Number.isFinite(ts) || ts < 0 ? 0 : Math.min(ts, 2 ** 48 - 1);
    buf.writeUIntBE(Math.floor(t), 0, 6);
    hash('sha256', `${index}\0${text}`, 'buffer').copy(buf, 6, 0, 9);
    return buf.toString('base64url');
  };

  it('is 20 base64url characters of the time then the digest, stable across calls', () => {
    const times = [null, 0, 1, -5, NaN, Infinity, 1767225600123, 1767225600123.75, 2 ** 24, 2 ** 48 - 1, 2 ** 50];
    for (const ts of times) {
      for (const [index, text] of [
        ['logs-a', '{"a":1}'],
        ['', ''],
        ['logs-é', '{"m":"\u00e9 ü 😀"}'],
      ]) {
        const id = autoId(index, text, ts);
        expect(id, `${ts}`).toBe(reference(index, text, ts));
        expect(id).toMatch(/^[A-Za-z0-9_-]{20}$/);
      }
    }
  });
});
