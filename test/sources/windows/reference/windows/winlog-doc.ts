/**
 * `<Event>` tree → the document Winlogbeat / Elastic Agent's winlog input produces
 * (elastic/beats: `winlogbeat/sys/winevent/event.go` `Fields()`, `winlogbeat/eventlog/eventlog.go`
 * `ToEvent()`, `winlogbeat/sys/winevent/winmeta.go`). This is the input of every Windows ingest
 * pipeline, so the normalisers run on exactly what Elasticsearch would receive.
 *
 * Offline differences from a live shipper, each deliberate:
 * - No publisher metadata: `winlog.task`/`event.action` come from RenderingInfo when present,
 *   else from built-in task tables (Security-Auditing subcategories, Sysmon tasks), else the
 *   Windows default (`0` → `None`). `message` only from RenderingInfo.
 * - No SID lookup: `winlog.user.{name,domain,type}` only for well-known SIDs (option).
 * - `event.created` (the shipper's wall clock) is not produced; `winlog.time_created` is kept.
 */
import type { BadRecord, EventDoc, RecordLocation } from '../types.js';
import { childElement, type XmlElement } from './xml-tree.js';
import { SECURITY_AUDITING_TASKS, SYSMON_TASKS } from './tables.js';

export interface WinlogDocOptions {
  /** Fill task names from the built-in tables when RenderingInfo has none. Default true. */
  publisherTasks?: boolean;
  /** Resolve well-known SIDs (S-1-5-18/19/20) in `winlog.user`. Default true. */
  resolveWellKnownSids?: boolean;
  /** Source file, written to `log.file.path` as Winlogbeat does for `.evtx` files. */
  filePath?: string;
}

/** Keyword bits live in the high 32 bits of the 64-bit mask (bit 48 and up). */
const KEYWORD_AUDIT_FAILURE_HI = 0x100000;
const KEYWORD_AUDIT_SUCCESS_HI = 0x200000;

/**
 * winmeta.xml keywords as masks of the high 32 bits, in mask order (Winlogbeat iterates a Go map;
 * sorted here for stability).
 */
const DEFAULT_KEYWORDS_HI: ReadonlyArray<readonly [number, string]> = [
  [0x10000, 'Response Time'],
  [0x40000, 'WDI Diag'],
  [0x80000, 'SQM'],
  [0x100000, 'Audit Failure'],
  [0x200000, 'Audit Success'],
  [0x400000, 'Correlation Hint'],
  [0x800000, 'Classic'],
];

/** High 32 bits of a `0x…` (or decimal) 64-bit keyword mask; undefined when not a number. */
function keywordsHigh(t: string): number | undefined {
  if (/^0[xX][0-9a-fA-F]{1,16}$/.test(t)) {
    const digits = t.slice(2);
    return digits.length > 8 ? parseInt(digits.slice(0, digits.length - 8), 16) : 0;
  }
  if (/^\d+$/.test(t)) {
    const b = BigInt(t);
    return b >> 64n === 0n ? Number(b >> 32n) : undefined;
  }
  return undefined;
}
const DEFAULT_OPCODES = [
  'Info',
  'Start',
  'Stop',
  'DCStart',
  'DCStop',
  'Extension',
  'Reply',
  'Resume',
  'Suspend',
  'Send',
];
const DEFAULT_LEVELS = ['Information', 'Critical', 'Error', 'Warning', 'Information', 'Verbose'];

/** LookupAccountSid results that hold on every Windows machine. */
const WELL_KNOWN_SIDS: Readonly<Record<string, { domain: string; name: string; type: string }>> = {
  'S-1-5-18': { domain: 'NT AUTHORITY', name: 'SYSTEM', type: 'Well Known Group' },
  'S-1-5-19': { domain: 'NT AUTHORITY', name: 'LOCAL SERVICE', type: 'Well Known Group' },
  'S-1-5-20': { domain: 'NT AUTHORITY', name: 'NETWORK SERVICE', type: 'Well Known Group' },
};

/** Direct character data of an element (Go's `xml:",chardata"`: nested elements' text excluded). */
function chardata(el: XmlElement): string {
  const ch = el.children;
  if (ch.length === 1 && typeof ch[0] === 'string') return ch[0];
  if (ch.length === 0) return '';
  let out = '';
  for (const c of el.children) if (typeof c === 'string') out += c;
  return out;
}

/** beats `sys.RemoveWindowsLineEndings`: CRLF → LF, trailing LFs removed. */
export function removeWindowsLineEndings(s: string): string {
  let t = s.indexOf('\r\n') >= 0 ? s.replace(/\r\n/g, '\n') : s;
  let end = t.length;
  while (end > 0 && t.charCodeAt(end - 1) === 0x0a) end--;
  if (end !== t.length) t = t.slice(0, end);
  return t;
}

/**
 * A Windows SystemTime (`2020-10-27T20:00:14.324234100Z`, any fraction length) as Go's RFC3339Nano
 * prints it: fraction without trailing zeros (`…14.3242341Z`), none when zero. `undefined` if invalid.
 */
export function rfc3339Nano(s: string): string | undefined {
  // Fast path: `YYYY-MM-DDTHH:mm:ss.fffffffZ` (what both readers produce).
  const n = s.length;
  if (n >= 21 && n <= 30 && s.charCodeAt(19) === 0x2e && s.charCodeAt(n - 1) === 0x5a && s.charCodeAt(10) === 0x54) {
    let end = n - 1;
    while (end > 20 && s.charCodeAt(end - 1) === 0x30) end--;
    let ok = true;
    for (let i = 20; i < n - 1; i++) {
      const d = s.charCodeAt(i);
      if (d < 48 || d > 57) ok = false;
    }
    if (ok && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(s.slice(0, 19))) {
      if (end === 20 && s.charCodeAt(20) === 0x30) return s.slice(0, 19) + 'Z';
      return end === n - 1 ? s : s.slice(0, end) + 'Z';
    }
  }
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(s.trim());
  if (m === null) return undefined;
  let frac = m[2] ?? '';
  let end = frac.length;
  while (end > 0 && frac.charCodeAt(end - 1) === 0x30) end--;
  frac = frac.slice(0, end);
  if (m[3] !== 'Z') {
    // Normalise to UTC like Go's time.Time in UTC would print.
    const d = new Date(`${m[1]}${m[3]}`);
    if (Number.isNaN(d.getTime())) return undefined;
    return `${d.toISOString().slice(0, 19)}${frac ? '.' + frac : ''}Z`;
  }
  return `${m[1]}${frac ? '.' + frac : ''}Z`;
}

type Problem = (kind: string, message: string) => void;

/** A run of ASCII digits (at most 15, so exact in a double), or -1. */
function digits(t: string): number {
  const n = t.length;
  if (n === 0 || n > 15) return -1;
  let x = 0;
  for (let i = 0; i < n; i++) {
    const d = t.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    x = x * 10 + d;
  }
  return x;
}

function uint(text: string, max: number, field: string, problem: Problem): number | undefined {
  const fast = digits(text);
  if (fast >= 0 && fast <= max) return fast;
  const t = text.trim();
  if (!/^\d+$/.test(t)) {
    problem('winlog-value', `System/${field} is not an unsigned number: ${JSON.stringify(text.slice(0, 40))}`);
    return undefined;
  }
  const n = Number(t);
  if (n > max) {
    problem('winlog-value', `System/${field} out of range: ${t}`);
    return undefined;
  }
  return n;
}

function uintAttr(el: XmlElement | undefined, name: string, field: string, problem: Problem): number | undefined {
  const v = el?.attrs[name];
  if (v === undefined || v === '') return undefined;
  return uint(v, 0xffffffff, `${field}/@${name}`, problem);
}

interface Pair {
  key: string;
  value: string;
}

function pairsOf(el: XmlElement): Pair[] {
  const out: Pair[] = [];
  for (const c of el.children) {
    if (typeof c === 'string') continue;
    out.push({ key: c.attrs.Name ?? c.name, value: chardata(c) });
  }
  return out;
}

/** beats `AddPairs`: empty values dropped, unnamed / `Data` keys become `paramN`, first key wins. */
function addPairs(pairs: Pair[]): Record<string, string> {
  const h: Record<string, string> = {};
  for (let i = 0; i < pairs.length; i++) {
    const kv = pairs[i]!;
    if (kv.value === '') continue;
    const key = kv.key === '' || kv.key === 'Data' ? `param${i + 1}` : kv.key;
    if (!Object.prototype.hasOwnProperty.call(h, key)) h[key] = removeWindowsLineEndings(kv.value);
  }
  return h;
}

/**
 * Builds the winlog document of one record. Returns `undefined` (after reporting) only when the
 * record has no usable System block; other bad values are reported and left out.
 */
export function buildWinlogDoc(
  tree: XmlElement,
  loc: RecordLocation,
  sink: ((p: BadRecord) => void) | undefined,
  opts: WinlogDocOptions = {},
): EventDoc | undefined {
  const problem: Problem = (kind, message) => sink?.({ loc, kind, message });
  if (tree.name !== 'Event') {
    problem('winlog-shape', `root element is <${tree.name}>, expected <Event>`);
    return undefined;
  }
  const sys = childElement(tree, 'System');
  if (sys === undefined) {
    problem('winlog-shape', 'record has no <System> block');
    return undefined;
  }

  // System values, as the Go struct decodes them.
  let providerName = '';
  let providerGuid = '';
  let eventId: number | undefined;
  let version = 0;
  let levelRaw = 0;
  let taskRaw = 0;
  let opcodeRaw: number | undefined;
  let keywordsHi = 0;
  let timeCreated: string | undefined;
  let recordId = 0;
  let activityId = '';
  let relatedActivityId = '';
  let execution: XmlElement | undefined;
  let channel = '';
  let computer = '';
  let userSid = '';
  for (const c of sys.children) {
    if (typeof c === 'string') continue;
    switch (c.name) {
      case 'Provider':
        providerName = c.attrs.Name ?? '';
        providerGuid = c.attrs.Guid ?? '';
        break;
      case 'EventID':
        eventId = uint(chardata(c), 0xffffffff, 'EventID', problem);
        break;
      case 'Version': {
        // Winlogbeat ignores invalid versions silently.
        const t = chardata(c).trim();
        if (/^\d+$/.test(t) && Number(t) <= 255) version = Number(t);
        break;
      }
      case 'Level':
        levelRaw = uint(chardata(c), 255, 'Level', problem) ?? 0;
        break;
      case 'Task':
        taskRaw = uint(chardata(c), 0xffff, 'Task', problem) ?? 0;
        break;
      case 'Opcode':
        opcodeRaw = uint(chardata(c), 255, 'Opcode', problem);
        break;
      case 'Keywords': {
        const t = chardata(c).trim();
        if (t === '') break;
        const hi = keywordsHigh(t);
        if (hi === undefined)
          problem('winlog-value', `System/Keywords is not a number: ${JSON.stringify(t.slice(0, 40))}`);
        else keywordsHi = hi;
        break;
      }
      case 'TimeCreated': {
        const st = c.attrs.SystemTime;
        if (st !== undefined) {
          timeCreated = rfc3339Nano(st);
          if (timeCreated === undefined)
            problem('winlog-value', `System/TimeCreated/@SystemTime is not a date: ${JSON.stringify(st)}`);
        }
        break;
      }
      case 'EventRecordID':
        recordId = uint(chardata(c), Number.MAX_SAFE_INTEGER, 'EventRecordID', problem) ?? 0;
        break;
      case 'Correlation':
        activityId = c.attrs.ActivityID ?? '';
        relatedActivityId = c.attrs.RelatedActivityID ?? '';
        break;
      case 'Execution':
        execution = c;
        break;
      case 'Channel':
        channel = chardata(c);
        break;
      case 'Computer':
        computer = chardata(c);
        break;
      case 'Security':
        userSid = c.attrs.UserID ?? '';
        break;
    }
  }
  if (eventId === undefined && childElement(sys, 'EventID') === undefined)
    problem('winlog-shape', 'record has no System/EventID');

  // RenderingInfo (present in `wevtutil /f:RenderedXml` and forwarded events).
  const ri = childElement(tree, 'RenderingInfo');
  let message = '';
  let levelName = '';
  let taskName = '';
  let opcodeName = '';
  const keywords: string[] = [];
  if (ri !== undefined) {
    for (const c of ri.children) {
      if (typeof c === 'string') continue;
      if (c.name === 'Message') message = chardata(c);
      else if (c.name === 'Level') levelName = chardata(c);
      else if (c.name === 'Task') taskName = chardata(c);
      else if (c.name === 'Opcode') opcodeName = chardata(c);
      else if (c.name === 'Keywords') {
        for (const k of c.children) if (typeof k !== 'string' && k.name === 'Keyword') keywords.push(chardata(k));
      }
    }
  }
  // EnrichRawValuesWithNames, with the built-in tables standing in for publisher metadata.
  if (keywords.length === 0) {
    for (const [mask, name] of DEFAULT_KEYWORDS_HI) if ((keywordsHi & mask) !== 0) keywords.push(name);
  }
  if (opcodeName === '' && opcodeRaw !== undefined) opcodeName = DEFAULT_OPCODES[opcodeRaw] ?? '';
  if (levelName === '') levelName = DEFAULT_LEVELS[levelRaw] ?? '';
  if (taskName === '') {
    if (opts.publisherTasks !== false) {
      if (providerName === 'Microsoft-Windows-Security-Auditing') taskName = SECURITY_AUDITING_TASKS[taskRaw] ?? '';
      else if (providerName === 'Microsoft-Windows-Sysmon') taskName = SYSMON_TASKS[taskRaw] ?? '';
    }
    if (taskName === '' && taskRaw === 0) taskName = 'None';
  }

  const win: Record<string, unknown> = {};
  if (channel !== '') win.channel = channel;
  win.event_id = eventId === undefined ? undefined : String(eventId);
  if (win.event_id === undefined) delete win.event_id;
  if (providerName !== '') win.provider_name = providerName;
  if (recordId !== 0) win.record_id = recordId;
  if (taskName !== '') win.task = taskName;
  if (computer !== '') win.computer_name = computer;
  if (keywords.length > 0) win.keywords = keywords;
  if (opcodeName !== '') win.opcode = opcodeName;
  if (providerGuid !== '') win.provider_guid = providerGuid;
  if (version !== 0) win.version = version;
  if (timeCreated !== undefined) win.time_created = timeCreated;
  let outcome: string | undefined;
  if ((keywordsHi & KEYWORD_AUDIT_FAILURE_HI) !== 0) outcome = 'failure';
  else if ((keywordsHi & KEYWORD_AUDIT_SUCCESS_HI) !== 0) outcome = 'success';
  if (userSid !== '') {
    const user: Record<string, string> = { identifier: userSid };
    const known = opts.resolveWellKnownSids === false ? undefined : WELL_KNOWN_SIDS[userSid];
    if (known !== undefined) Object.assign(user, known);
    win.user = user;
  }
  const ed = childElement(tree, 'EventData');
  if (ed !== undefined) {
    const pairs = pairsOf(ed);
    if (pairs.length > 0) win.event_data = addPairs(pairs);
  }
  const ud = childElement(tree, 'UserData');
  if (ud !== undefined) {
    const wrapper = ud.children.find((c): c is XmlElement => typeof c !== 'string');
    if (wrapper !== undefined) {
      const pairs = pairsOf(wrapper);
      if (pairs.length > 0) {
        const h: Record<string, string> = addPairs(pairs);
        h.xml_name = wrapper.name;
        win.user_data = h;
      }
    }
  }
  if (activityId !== '') win.activity_id = activityId;
  if (relatedActivityId !== '') win.related_activity_id = relatedActivityId;
  if (execution !== undefined) {
    const kernel = uintAttr(execution, 'KernelTime', 'Execution', problem);
    const pid = uintAttr(execution, 'ProcessID', 'Execution', problem);
    const tid = uintAttr(execution, 'ThreadID', 'Execution', problem);
    const cpu = uintAttr(execution, 'ProcessorID', 'Execution', problem);
    const cpuTime = uintAttr(execution, 'ProcessorTime', 'Execution', problem);
    const session = uintAttr(execution, 'SessionID', 'Execution', problem);
    const userTime = uintAttr(execution, 'UserTime', 'Execution', problem);
    if (kernel) win.kernel_time = kernel;
    if (pid || tid) {
      const proc: Record<string, unknown> = {};
      if (pid) proc.pid = pid;
      if (tid) proc.thread = { id: tid };
      win.process = proc;
    }
    if (cpu) win.processor_id = cpu;
    if (cpuTime) win.processor_time = cpuTime;
    if (session) win.session_id = session;
    if (userTime) win.user_time = userTime;
  }

  const event: Record<string, unknown> = { kind: 'event' };
  if (win.event_id !== undefined) event.code = win.event_id;
  // Winlogbeat writes event.provider even when empty only if non-empty after AddOptional-like put.
  event.provider = providerName;
  if (outcome !== undefined) event.outcome = outcome;
  if (taskName !== '') event.action = taskName;

  const doc: EventDoc = {};
  if (timeCreated !== undefined) doc['@timestamp'] = timeCreated;
  doc.event = event;
  if (computer !== '') doc.host = { name: computer };
  const level = levelName.toLowerCase();
  const log: Record<string, unknown> = {};
  if (level !== '') log.level = level;
  if (opts.filePath !== undefined) log.file = { path: opts.filePath };
  if (Object.keys(log).length > 0) doc.log = log;
  const msg = removeWindowsLineEndings(message);
  if (msg !== '') doc.message = msg;
  doc.winlog = win;
  return doc;
}
