/**
 * The guide renderer: the markdown rule notes use, Kibana's plugin markers, and above all that
 * nothing in a guide becomes markup or a script URL.
 */
import { describe, expect, it } from 'vitest';
import { parseMarkdown, pluginsOf, type MdNode } from '../../../src/server/ui/lib/markdown.js';
import { loadBuiltinRules } from '../../../src/rules/index.js';

/** The tree as HTML, escaping text the way the DOM's text nodes keep it inert. */
function html(nodes: MdNode[]): string {
  const esc = (s: string) =>
    s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return nodes
    .map((n) => {
      if (typeof n === 'string') return esc(n);
      if (n.tag === 'plugin') return `[${n.plugin}#${n.occurrence}:${esc(n.label)}]`;
      const attrs = Object.entries(n.attrs ?? {})
        .map(([k, v]) => ` ${k}="${esc(String(v))}"`)
        .join('');
      if (n.tag === 'hr' || n.tag === 'br') return `<${n.tag}>`;
      return `<${n.tag}${attrs}>${html(n.children)}</${n.tag}>`;
    })
    .join('');
}

const md = (s: string) => html(parseMarkdown(s));

describe('blocks', () => {
  it('headings, paragraphs, breaks', () => {
    expect(md('## Triage and analysis\n\n### Investigating X')).toBe(
      '<h2>Triage and analysis</h2><h3>Investigating X</h3>',
    );
    expect(md('Title\n===\n\nSub\n---')).toBe('<h1>Title</h1><h2>Sub</h2>');
    expect(md('one\ntwo  \nthree\\\nfour')).toBe('<p>one\ntwo<br>three<br>four</p>');
    expect(md('a\n\n---\n\nb')).toBe('<p>a</p><hr><p>b</p>');
  });

  it('tight nested lists, as rule guides write them', () => {
    expect(md('- What happened?\n  - Focus: `process.args`.\n  - Hint: more.\n- Next')).toBe(
      '<ul><li>What happened?<ul><li>Focus: <code>process.args</code>.</li><li>Hint: more.</li></ul></li><li>Next</li></ul>',
    );
  });

  it('loose lists keep paragraphs, ordered lists keep their start', () => {
    expect(md('- a\n\n- b')).toBe('<ul><li><p>a</p></li><li><p>b</p></li></ul>');
    expect(md('3. c\n4. d')).toBe('<ol start="3"><li>c</li><li>d</li></ol>');
    expect(md('1) x\n2) y')).toBe('<ol><li>x</li><li>y</li></ol>');
  });

  it('lazy continuation lines stay in their item', () => {
    expect(md('- first line\ncontinued\n- second')).toBe('<ul><li>first line\ncontinued</li><li>second</li></ul>');
  });

  it('fenced code keeps its text verbatim, markers included', () => {
    expect(md('```sql\nSELECT * FROM processes WHERE name = "<b>";\n```')).toBe(
      '<pre><code>SELECT * FROM processes WHERE name = &quot;&lt;b&gt;&quot;;</code></pre>',
    );
    expect(md('~~~\n!{investigate{"label":"x"}}\n~~~')).toBe(
      '<pre><code>!{investigate{&quot;label&quot;:&quot;x&quot;}}</code></pre>',
    );
  });

  it('block quotes and tables', () => {
    expect(md('> quoted *text*\n> more')).toBe('<blockquote><p>quoted <em>text</em>\nmore</p></blockquote>');
    expect(md('| a | b |\n|:--|--:|\n| 1 | 2 \\| 3 |')).toBe(
      '<table><thead><tr><th align="left">a</th><th align="right">b</th></tr></thead><tbody><tr><td align="left">1</td><td align="right">2 | 3</td></tr></tbody></table>',
    );
  });
});

describe('inline', () => {
  it('emphasis, strong, strikethrough, code spans', () => {
    expect(md('**bold** and *em* and _em_ and __b__ and ~~gone~~')).toBe(
      '<p><strong>bold</strong> and <em>em</em> and <em>em</em> and <strong>b</strong> and <del>gone</del></p>',
    );
    expect(md('`a ** b` and ``x ` y``')).toBe('<p><code>a ** b</code> and <code>x ` y</code></p>');
  });

  it('leaves snake_case, lone stars and file globs alone', () => {
    expect(md('process.parent_entity_id and *.vbs or * here')).toBe(
      '<p>process.parent_entity_id and *.vbs or * here</p>',
    );
    expect(md('2 * 3 * 4')).toBe('<p>2 * 3 * 4</p>');
  });

  it('escapes', () => {
    expect(md('\\*not em\\* and C:\\Windows\\System32')).toBe('<p>*not em* and C:\\Windows\\System32</p>');
  });

  it('links: http(s) and mailto only, text kept otherwise', () => {
    expect(md('[CrowdStrike](https://ela.st/crowdstrike-integration)')).toBe(
      '<p><a href="https://ela.st/crowdstrike-integration">CrowdStrike</a></p>',
    );
    expect(md('see <https://example.com/a> or https://example.com/b.')).toBe(
      '<p>see <a href="https://example.com/a">https://example.com/a</a> or <a href="https://example.com/b">https://example.com/b</a>.</p>',
    );
    expect(md('<soc@example.com>')).toBe('<p><a href="mailto:soc@example.com">soc@example.com</a></p>');
    expect(md('[click](javascript:alert(1))')).toBe('<p>click</p>');
    expect(md('[click](JaVaScRiPt:alert(1))')).toBe('<p>click</p>');
    expect(md('[x](data:text/html;base64,PHNjcmlwdD4=)')).toBe('<p>x</p>');
    expect(md('<javascript:alert(1)>')).toBe('<p>&lt;javascript:alert(1)&gt;</p>');
    expect(md('![pixel](https://example.com/p.png)')).toBe('<p><a href="https://example.com/p.png">pixel</a></p>');
  });
});

describe('hostile guides', () => {
  it('never produces a tag outside the allowlist, raw HTML is text', () => {
    const input = [
      '<img src=x onerror=alert(1)>',
      '"><script>alert(1)</script>',
      '<a href="javascript:alert(1)">x</a>',
      '[a](https://ok.example "<b>title</b>") <iframe srcdoc="<script>">',
      '- <style>*{}</style>',
      '| <svg onload=alert(1)> | b |\n|---|---|\n| c | d |',
    ].join('\n\n');
    const allowed = new Set([
      'h1',
      'h2',
      'h3',
      'h4',
      'h5',
      'h6',
      'p',
      'ul',
      'ol',
      'li',
      'pre',
      'code',
      'blockquote',
      'hr',
      'br',
      'strong',
      'em',
      'del',
      'a',
      'table',
      'thead',
      'tbody',
      'tr',
      'th',
      'td',
      'plugin',
    ]);
    const walk = (ns: MdNode[]): void => {
      for (const n of ns) {
        if (typeof n === 'string') continue;
        expect(allowed.has(n.tag)).toBe(true);
        if (n.tag === 'plugin') continue;
        for (const [k, v] of Object.entries(n.attrs ?? {})) {
          expect(['href', 'start', 'align']).toContain(k);
          if (k === 'href') expect(v).toMatch(/^(https?|mailto):/);
        }
        walk(n.children);
      }
    };
    const tree = parseMarkdown(input);
    walk(tree);
    const out = html(tree);
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(out).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).not.toMatch(/<(img|script|iframe|style|svg)/);
  });

  it('private-use characters in the input cannot forge plugin markers', () => {
    const tree = parseMarkdown('a \uE0000\uE001 b !{investigate{"label":"real"}}');
    expect(pluginsOf(tree).map((p) => p.label)).toEqual(['real']);
    expect(html(tree)).toBe('<p>a \uFFFD0\uFFFD b [investigate#0:real]</p>');
  });
});

describe('plugin markers', () => {
  it('reads investigate, insight and osquery markers with brace counting', () => {
    const tree = parseMarkdown(
      '- a !{investigate{"label":"Alerts for {{host.id}}","description":"d","providers":[[{"field":"host.id","value":"{{host.id}}"}]]}} end\n' +
        '- b !{insight{"label":"Old name"}}\n' +
        '- c !{osquery{"label":"Processes","query":"SELECT 1"}}\n' +
        '- d !{investigate{not json}}',
    );
    const ps = pluginsOf(tree);
    expect(ps.map((p) => [p.plugin, p.occurrence, p.label, p.description, !!p.error])).toEqual([
      ['investigate', 0, 'Alerts for {{host.id}}', 'd', false],
      ['investigate', 1, 'Old name', '', false],
      ['osquery', 0, 'Processes', '', false],
      ['investigate', 2, 'Investigate', '', true],
    ]);
    expect(html(tree)).toBe(
      '<ul><li>a [investigate#0:Alerts for {{host.id}}] end</li><li>b [investigate#1:Old name]</li><li>c [osquery#0:Processes]</li><li>d [investigate#2:Investigate]</li></ul>',
    );
  });

  it('renders the built-in rule guide: every pivot becomes a button in its list item', () => {
    const note = loadBuiltinRules().rules[0].rule?.note ?? '';
    const tree = parseMarkdown(note);
    expect(pluginsOf(tree).map((p) => p.label)).toEqual([
      'Child process starts from the same cmd.exe instance',
      'File activity for the alerting cmd.exe instance',
      'Network activity for the alerting cmd.exe instance',
      'Alerts associated with the host',
      'Alerts associated with the user',
    ]);
    const out = html(tree);
    expect(
      out.startsWith('<h2>Triage and analysis</h2><h3>Investigating Suspicious Windows Command Shell Arguments</h3>'),
    ).toBe(true);
    expect(out).toContain('<code>process.parent.entity_id</code>');
    expect(out).not.toContain('!{investigate');
    expect(out).not.toContain('$investigate');
  });
});
