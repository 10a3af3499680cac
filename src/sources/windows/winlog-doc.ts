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
import { objectFrom, type RecentFactories } from '../mapping/objects.js';
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
  const n = t.length;
  // `0x` and 1 to 16 hex digits (the form every reader produces), without a RegExp.
  if (n >= 3 && n <= 18 && t.charCodeAt(0) === 0x30 && (t.charCodeAt(1) | 0x20) === 0x78) {
    let ok = true;
    for (let i = 2; i < n; i++) if (!isHex(t.charCodeAt(i))) ok = false;
    if (ok) return n - 2 > 8 ? parseInt(t.slice(2, n - 8), 16) : 0;
  }
  if (/^\d+$/.test(t)) {
    const b = BigInt(t);
    return b >> 64n === 0n ? Number(b >> 32n) : undefined;
  }
  return undefined;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 102);
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
const WELL_KNOWN_SIDS: ReadonlyMap<string, { domain: string; name: string; type: string }> = new Map([
  ['S-1-5-18', { domain: 'NT AUTHORITY', name: 'SYSTEM', type: 'Well Known Group' }],
  ['S-1-5-19', { domain: 'NT AUTHORITY', name: 'LOCAL SERVICE', type: 'Well Known Group' }],
  ['S-1-5-20', { domain: 'NT AUTHORITY', name: 'NETWORK SERVICE', type: 'Well Known Group' }],
]);

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
    if (ok && isDateTime19(s)) {
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

/** `YYYY-MM-DDTHH:mm:ss` at the start of `s` (ASCII digits, separators in place). */
function isDateTime19(s: string): boolean {
  for (let i = 0; i < 19; i++) {
    const c = s.charCodeAt(i);
    const want = i === 4 || i === 7 ? 0x2d : i === 10 ? 0x54 : i === 13 || i === 16 ? 0x3a : -1;
    if (want >= 0 ? c !== want : c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * System children read, numbered for the switch in buildWinlogDoc: by length first (the names are
 * fresh strings per chunk, so a hash lookup would hash each one), then one comparison.
 */
function systemField(name: string): number {
  switch (name.length) {
    case 4:
      return name === 'Task' ? 5 : 0;
    case 5:
      return name === 'Level' ? 4 : 0;
    case 6:
      return name === 'Opcode' ? 6 : 0;
    case 7:
      return name === 'EventID' ? 2 : name === 'Version' ? 3 : name === 'Channel' ? 12 : 0;
    case 8:
      return name === 'Provider'
        ? 1
        : name === 'Keywords'
          ? 7
          : name === 'Computer'
            ? 13
            : name === 'Security'
              ? 14
              : 0;
    case 9:
      return name === 'Execution' ? 11 : 0;
    case 11:
      return name === 'TimeCreated' ? 8 : name === 'Correlation' ? 10 : 0;
    case 13:
      return name === 'EventRecordID' ? 9 : 0;
    default:
      return 0;
  }
}

/** Keyword names of a mask's high 32 bits (few distinct masks: each list computed once, copied per record). */
const keywordNames = new Map<number, readonly string[]>();
function defaultKeywords(hi: number): string[] | undefined {
  let names = keywordNames.get(hi);
  if (names === undefined) {
    const list: string[] = [];
    for (let i = 0; i < DEFAULT_KEYWORDS_HI.length; i++) {
      const [mask, name] = DEFAULT_KEYWORDS_HI[i]!;
      if ((hi & mask) !== 0) list.push(name);
    }
    names = list;
    if (keywordNames.size < 1024) keywordNames.set(hi, names);
  }
  return names.length === 0 ? undefined : names.slice();
}

/** Level names lower-cased (few distinct names: no new string per record). */
const levelsLc = new Map<string, string>();
function lowerLevel(name: string): string {
  let lc = levelsLc.get(name);
  if (lc === undefined) {
    lc = name.toLowerCase();
    if (levelsLc.size < 256) levelsLc.set(name, lc);
  }
  return lc;
}

type Problem = (kind: string, message: string) => void;
const noProblem: Problem = () => {};

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

/** An unsigned attribute value (absent or empty: undefined; bad: reported, undefined). */
function uintAttr(v: string | undefined, name: string, problem: Problem): number | undefined {
  if (v === undefined || v === '') return undefined;
  return uint(v, 0xffffffff, `Execution/@${name}`, problem);
}

/** `param1`, `param2`, … (cached: unnamed values are common in classic event logs). */
const PARAM_NAMES: string[] = [];
function paramName(i: number): string {
  return (PARAM_NAMES[i] ??= `param${i}`);
}

/** Event/user data key sequences used last (see objects.ts). */
const dataRecent: RecentFactories = [];

/** Scratch: the current record's kept keys and values (reused; only the first `n` are read). */
const keyBuf: string[] = [];
const valueBuf: string[] = [];

/**
 * beats `AddPairs` over the element children of `el` (key: the `Name` attribute, else the element
 * name): empty values dropped, unnamed / `Data` keys become `paramN` by position, first key wins,
 * CRLF → LF. Undefined when `el` has no element child.
 */
function dataObject(el: XmlElement): Record<string, string> | undefined {
  const ch = el.children;
  let n = 0;
  let i = 0;
  for (let j = 0; j < ch.length; j++) {
    const c = ch[j]!;
    if (typeof c === 'string') continue;
    i++;
    const value = chardata(c);
    if (value === '') continue;
    let key = c.attrs.Name ?? c.name;
    if (key === '' || key === 'Data') key = paramName(i);
    keyBuf[n] = key;
    valueBuf[n] = removeWindowsLineEndings(value);
    n++;
  }
  if (i === 0) return undefined;
  // One literal per key sequence (fast properties at any size), first key wins.
  return objectFrom(keyBuf, valueBuf, n, dataRecent) as Record<string, string>;
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
  const problem: Problem = sink === undefined ? noProblem : (kind, message) => sink({ loc, kind, message });
  if (tree.name !== 'Event') {
    problem('winlog-shape', `root element is <${tree.name}>, expected <Event>`);
    return undefined;
  }
  // The first element of each name (childElement), in one pass.
  let sys: XmlElement | undefined;
  let ri: XmlElement | undefined;
  let ed: XmlElement | undefined;
  let ud: XmlElement | undefined;
  for (const c of tree.children) {
    if (typeof c === 'string') continue;
    if (c.name === 'System') sys ??= c;
    else if (c.name === 'EventData') ed ??= c;
    else if (c.name === 'RenderingInfo') ri ??= c;
    else if (c.name === 'UserData') ud ??= c;
  }
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
    switch (systemField(c.name)) {
      case 1: // Provider
        providerName = c.attrs.Name ?? '';
        providerGuid = c.attrs.Guid ?? '';
        break;
      case 2: // EventID
        eventId = uint(chardata(c), 0xffffffff, 'EventID', problem);
        break;
      case 3: {
        // Version
        // Winlogbeat ignores invalid versions silently.
        const t = chardata(c).trim();
        const d = digits(t);
        if (d >= 0 ? d <= 255 : /^\d+$/.test(t) && Number(t) <= 255) version = d >= 0 ? d : Number(t);
        break;
      }
      case 4: // Level
        levelRaw = uint(chardata(c), 255, 'Level', problem) ?? 0;
        break;
      case 5: // Task
        taskRaw = uint(chardata(c), 0xffff, 'Task', problem) ?? 0;
        break;
      case 6: // Opcode
        opcodeRaw = uint(chardata(c), 255, 'Opcode', problem);
        break;
      case 7: {
        // Keywords
        const t = chardata(c).trim();
        if (t === '') break;
        const hi = keywordsHigh(t);
        if (hi === undefined)
          problem('winlog-value', `System/Keywords is not a number: ${JSON.stringify(t.slice(0, 40))}`);
        else keywordsHi = hi;
        break;
      }
      case 8: {
        // TimeCreated
        const st = c.attrs.SystemTime;
        if (st !== undefined) {
          timeCreated = rfc3339Nano(st);
          if (timeCreated === undefined)
            problem('winlog-value', `System/TimeCreated/@SystemTime is not a date: ${JSON.stringify(st)}`);
        }
        break;
      }
      case 9: // EventRecordID
        recordId = uint(chardata(c), Number.MAX_SAFE_INTEGER, 'EventRecordID', problem) ?? 0;
        break;
      case 10: // Correlation
        activityId = c.attrs.ActivityID ?? '';
        relatedActivityId = c.attrs.RelatedActivityID ?? '';
        break;
      case 11: // Execution
        execution = c;
        break;
      case 12: // Channel
        channel = chardata(c);
        break;
      case 13: // Computer
        computer = chardata(c);
        break;
      case 14: // Security
        userSid = c.attrs.UserID ?? '';
        break;
    }
  }
  if (eventId === undefined && childElement(sys, 'EventID') === undefined)
    problem('winlog-shape', 'record has no System/EventID');

  // RenderingInfo (present in `wevtutil /f:RenderedXml` and forwarded events).
  let message = '';
  let levelName = '';
  let taskName = '';
  let opcodeName = '';
  let keywords: string[] | undefined;
  if (ri !== undefined) {
    for (const c of ri.children) {
      if (typeof c === 'string') continue;
      if (c.name === 'Message') message = chardata(c);
      else if (c.name === 'Level') levelName = chardata(c);
      else if (c.name === 'Task') taskName = chardata(c);
      else if (c.name === 'Opcode') opcodeName = chardata(c);
      else if (c.name === 'Keywords') {
        for (const k of c.children)
          if (typeof k !== 'string' && k.name === 'Keyword') (keywords ??= []).push(chardata(k));
      }
    }
  }
  // EnrichRawValuesWithNames, with the built-in tables standing in for publisher metadata.
  if (keywords === undefined && keywordsHi !== 0) keywords = defaultKeywords(keywordsHi);
  if (opcodeName === '' && opcodeRaw !== undefined) opcodeName = DEFAULT_OPCODES[opcodeRaw] ?? '';
  if (levelName === '') levelName = DEFAULT_LEVELS[levelRaw] ?? '';
  if (taskName === '') {
    if (opts.publisherTasks !== false) {
      if (providerName === 'Microsoft-Windows-Security-Auditing') taskName = SECURITY_AUDITING_TASKS[taskRaw] ?? '';
      else if (providerName === 'Microsoft-Windows-Sysmon') taskName = SYSMON_TASKS[taskRaw] ?? '';
    }
    if (taskName === '' && taskRaw === 0) taskName = 'None';
  }

  const eventIdText = eventId === undefined ? undefined : String(eventId);
  const win: Record<string, unknown> = {};
  if (channel !== '') win.channel = channel;
  if (eventIdText !== undefined) win.event_id = eventIdText;
  if (providerName !== '') win.provider_name = providerName;
  if (recordId !== 0) win.record_id = recordId;
  if (taskName !== '') win.task = taskName;
  if (computer !== '') win.computer_name = computer;
  if (keywords !== undefined) win.keywords = keywords;
  if (opcodeName !== '') win.opcode = opcodeName;
  if (providerGuid !== '') win.provider_guid = providerGuid;
  if (version !== 0) win.version = version;
  if (timeCreated !== undefined) win.time_created = timeCreated;
  let outcome: string | undefined;
  if ((keywordsHi & KEYWORD_AUDIT_FAILURE_HI) !== 0) outcome = 'failure';
  else if ((keywordsHi & KEYWORD_AUDIT_SUCCESS_HI) !== 0) outcome = 'success';
  if (userSid !== '') {
    // Every well-known SID has 8 characters: other SIDs skip the lookup.
    const known =
      opts.resolveWellKnownSids === false || userSid.length !== 8 ? undefined : WELL_KNOWN_SIDS.get(userSid);
    win.user =
      known === undefined
        ? { identifier: userSid }
        : { identifier: userSid, domain: known.domain, name: known.name, type: known.type };
  }
  if (ed !== undefined) {
    const data = dataObject(ed);
    if (data !== undefined) win.event_data = data;
  }
  if (ud !== undefined) {
    let wrapper: XmlElement | undefined;
    for (const c of ud.children) {
      if (typeof c !== 'string') {
        wrapper = c;
        break;
      }
    }
    if (wrapper !== undefined) {
      const h = dataObject(wrapper);
      if (h !== undefined) {
        h.xml_name = wrapper.name;
        win.user_data = h;
      }
    }
  }
  if (activityId !== '') win.activity_id = activityId;
  if (relatedActivityId !== '') win.related_activity_id = relatedActivityId;
  if (execution !== undefined) {
    // Named loads (one inline cache each) rather than a keyed load in a shared helper.
    const a = execution.attrs;
    const kernel = uintAttr(a.KernelTime, 'KernelTime', problem);
    const pid = uintAttr(a.ProcessID, 'ProcessID', problem);
    const tid = uintAttr(a.ThreadID, 'ThreadID', problem);
    const cpu = uintAttr(a.ProcessorID, 'ProcessorID', problem);
    const cpuTime = uintAttr(a.ProcessorTime, 'ProcessorTime', problem);
    const session = uintAttr(a.SessionID, 'SessionID', problem);
    const userTime = uintAttr(a.UserTime, 'UserTime', problem);
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
  if (eventIdText !== undefined) event.code = eventIdText;
  // Winlogbeat writes event.provider even when empty only if non-empty after AddOptional-like put.
  event.provider = providerName;
  if (outcome !== undefined) event.outcome = outcome;
  if (taskName !== '') event.action = taskName;

  const doc: EventDoc = {};
  if (timeCreated !== undefined) doc['@timestamp'] = timeCreated;
  doc.event = event;
  if (computer !== '') doc.host = { name: computer };
  const level = lowerLevel(levelName);
  if (level !== '' || opts.filePath !== undefined) {
    const log: Record<string, unknown> = {};
    if (level !== '') log.level = level;
    if (opts.filePath !== undefined) log.file = { path: opts.filePath };
    doc.log = log;
  }
  const msg = message === '' ? '' : removeWindowsLineEndings(message);
  if (msg !== '') doc.message = msg;
  doc.winlog = win;
  return doc;
}
