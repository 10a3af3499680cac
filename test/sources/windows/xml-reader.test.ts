import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { forEachEvtxRecord } from '../../../src/sources/evtx/index.js';
import type { BadRecord } from '../../../src/sources/types.js';
import { decodeEntities, parseElement, XmlSyntaxError } from '../../../src/sources/windows/xml-parse.js';
import {
  readWindowsXml,
  readWindowsXmlFile,
  sniffWindowsXml,
  type WinXmlEvent,
} from '../../../src/sources/windows/xml-reader.js';
import { toXml, type XmlElement } from '../../../src/sources/windows/xml-tree.js';
import { EVTX_DIR, fixtureExists } from '../evtx/golden.js';

const NS = 'http://schemas.microsoft.com/win/2004/08/events/event';
const ev = (id: number, data = 'x'): string =>
  `<Event xmlns='${NS}'><System><Provider Name='P'/><EventID>${id}</EventID></System><EventData><Data Name='A'>${data}</Data></EventData></Event>`;

function all(text: string): { events: WinXmlEvent[]; problems: BadRecord[] } {
  const problems: BadRecord[] = [];
  const events = [...readWindowsXml(text, { file: 'f.xml', onProblem: (p) => problems.push(p) })];
  return { events, problems };
}

const tmp = mkdtempSync(join(tmpdir(), 'eqlite-winxml-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('Windows XML reader', () => {
  it('reads wevtutil output: <Event> elements back to back with no root', () => {
    const { events, problems } = all(ev(1) + ev(2) + ev(3));
    expect(problems).toEqual([]);
    expect(events.map((e) => e.line)).toEqual([1, 1, 1]);
    expect(events[0].event).toEqual({
      name: 'Event',
      attrs: { xmlns: NS },
      children: [
        {
          name: 'System',
          attrs: {},
          children: [
            { name: 'Provider', attrs: { Name: 'P' }, children: [] },
            { name: 'EventID', attrs: {}, children: ['1'] },
          ],
        },
        { name: 'EventData', attrs: {}, children: [{ name: 'Data', attrs: { Name: 'A' }, children: ['x'] }] },
      ],
    });
  });

  it('reads ToXml() output (one event per line, CRLF) and an <Events> document with a declaration', () => {
    const lines = all([ev(1), ev(2), ev(3)].join('\r\n') + '\r\n');
    expect(lines.events.map((e) => e.line)).toEqual([1, 2, 3]);
    const doc = all(
      `\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<!-- saved -->\n<Events>\n${ev(7)}\n${ev(8)}\n</Events>\n`,
    );
    expect(doc.problems).toEqual([]);
    expect(doc.events.map((e) => [e.line, e.event.name])).toEqual([
      [4, 'Event'],
      [5, 'Event'],
    ]);
  });

  it('drops indentation between elements but keeps text values exactly', () => {
    const pretty = `<Event xmlns="${NS}">\n  <System>\n    <EventID>4688</EventID>\n  </System>\n  <EventData>\n    <Data Name="S"> </Data>\n    <Data Name="M">a\r\nb </Data>\n    <Data Name="E"/>\n  </EventData>\n</Event>\n`;
    const { events } = all(pretty);
    const data = (events[0].event.children[1] as XmlElement).children as XmlElement[];
    expect(data.map((d) => d.children)).toEqual([[' '], ['a\r\nb '], []]);
    expect((events[0].event.children[0] as XmlElement).children).toHaveLength(1);
  });

  it('decodes entity and character references, CDATA, and drops namespace prefixes from element names', () => {
    const { events } = all(
      `<e:Event xmlns:e="${NS}"><e:Data a="&quot;q&quot; &amp; &#x41;&#66;">&lt;tag&gt; &amp;amp; &#233;<![CDATA[<raw & kept>]]><!-- c --></e:Data></e:Event>`,
    );
    expect(events[0].event).toEqual({
      name: 'Event',
      attrs: { 'xmlns:e': NS },
      children: [{ name: 'Data', attrs: { a: '"q" & AB' }, children: ['<tag> &amp; é<raw & kept>'] }],
    });
    expect(decodeEntities('a &bogus; & b &#xZZ;')).toBe('a &bogus; & b &#xZZ;');
  });

  it('reports a malformed event with its line and carries on with the next one', () => {
    const text = [ev(1), '<Event><System><EventID>2</EventID></Sys></Event>', ev(3), '<Event><System>'].join('\n');
    const { events, problems } = all(text);
    expect(events.map((e) => e.line)).toEqual([1, 3]);
    expect(problems).toEqual([
      {
        loc: { file: 'f.xml', line: 2 },
        kind: 'winxml-syntax',
        message: 'event at line 2: end tag </Sys> does not match <System> (line 2)',
      },
      {
        loc: { file: 'f.xml', line: 4 },
        kind: 'winxml-truncated',
        message: 'event at line 4: <System> is not closed (line 4)',
      },
    ]);
  });

  it('an event missing its end tag does not swallow the events after it', () => {
    const { events, problems } = all([ev(1), '<Event><System/>', ev(3), ev(4)].join('\n'));
    expect(events.map((e) => e.line)).toEqual([1, 3, 4]);
    expect(problems.map((p) => [p.kind, p.loc.line])).toEqual([['winxml-truncated', 2]]);
  });

  it('parseElement reports where and whether input ended early', () => {
    expect(() => parseElement('<a><b></a>', 0)).toThrow(XmlSyntaxError);
    try {
      parseElement('<a x="1"><b>', 0);
    } catch (e) {
      expect(e).toMatchObject({ atEnd: true });
    }
    expect(parseElement('<a/>tail', 0)).toEqual({ el: { name: 'a', attrs: {}, children: [] }, end: 4 });
  });

  it('streams a file in UTF-16 with BOM across read boundaries, with line numbers', async () => {
    const n = 6000; // ~1.3 MB of text, more than one 1 MiB read
    const text = Array.from({ length: n }, (_, i) => ev(i, 'é'.repeat(50))).join('\r\n');
    const path = join(tmp, 'utf16.xml');
    writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const lines: number[] = [];
    let last: XmlElement | undefined;
    for await (const e of readWindowsXmlFile(path)) {
      lines.push(e.line);
      last = e.event;
    }
    expect(lines.length).toBe(n);
    expect(lines[n - 1]).toBe(n);
    expect(lines.every((l, i) => l === i + 1)).toBe(true);
    expect(toXml(last!)).toContain(`<EventID>${n - 1}</EventID>`);

    const utf8 = join(tmp, 'utf8.xml');
    writeFileSync(utf8, '<Events>' + text + '</Events>');
    let count = 0;
    for await (const e of readWindowsXmlFile(utf8)) if (e.event.name === 'Event') count++;
    expect(count).toBe(n);
  });

  it('sniffWindowsXml recognises event XML and nothing else', () => {
    expect(sniffWindowsXml(ev(1))).toBe(true);
    expect(sniffWindowsXml('<?xml version="1.0"?>\r\n<Events><Event>')).toBe(true);
    expect(sniffWindowsXml(Buffer.from('\ufeff<!-- x --> <Event xmlns="' + NS + '"', 'utf8'))).toBe(true);
    expect(sniffWindowsXml(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<Events>', 'utf16le')]))).toBe(true);
    expect(sniffWindowsXml('<Even')).toBe(false);
    expect(sniffWindowsXml('<EventLog>')).toBe(false);
    expect(sniffWindowsXml('{"Event": 1}')).toBe(false);
    expect(sniffWindowsXml('<html><body>')).toBe(false);
    expect(sniffWindowsXml(Buffer.from('ElfFile\0'))).toBe(false);
  });
});

describe.skipIf(!fixtureExists())('EVTX and XML agree', () => {
  // The same record through both readers gives the same tree (values, entities, arrays, UserData).
  it.each([
    'omerbenamram/evtx/samples/E_Windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx',
    'omerbenamram/evtx/samples/MSExchange_Management_wec.evtx',
    'omerbenamram/evtx/samples/system.evtx',
    'sbousseaden/EVTX-ATTACK-SAMPLES/Lateral Movement/LM_xp_cmdshell_MSSQL_Events.evtx',
    'williballenthin/python-evtx/tests/data/issue_39.evtx',
  ])('%s: EVTX → toXml → XML reader is the identity', (file) => {
    const trees: XmlElement[] = [];
    const texts: string[] = [];
    forEachEvtxRecord(readFileSync(join(EVTX_DIR, file)), { xml: true }, (r) => {
      trees.push(r.event);
      texts.push(r.xml!);
    });
    const back = all(texts.join('')).events.map((e) => e.event);
    expect(back).toEqual(trees);
  });
});
