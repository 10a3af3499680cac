/**
 * A byte-level builder of small EVTX files for tests of value types and tokens that no fixture
 * carries. Written from the format description (file header, 64 KiB chunks, BinXml tokens); all
 * names are stored inline and templates are defined inline the first time they are used.
 */
import { crc32 } from 'node:zlib';

export const T = {
  Null: 0x00,
  String: 0x01,
  AnsiString: 0x02,
  Int8: 0x03,
  UInt8: 0x04,
  Int16: 0x05,
  UInt16: 0x06,
  Int32: 0x07,
  UInt32: 0x08,
  Int64: 0x09,
  UInt64: 0x0a,
  Real32: 0x0b,
  Real64: 0x0c,
  Bool: 0x0d,
  Binary: 0x0e,
  Guid: 0x0f,
  SizeT: 0x10,
  FileTime: 0x11,
  SysTime: 0x12,
  Sid: 0x13,
  HexInt32: 0x14,
  HexInt64: 0x15,
  BinXml: 0x21,
  Array: 0x80,
} as const;

/**
 * A substitution value: its type and raw bytes, or (for BinXml values, whose inline names need
 * their own position) a function of the chunk-relative offset where the value will be stored.
 */
export interface Value {
  type: number;
  bytes: number[] | ((base: number) => number[]);
}

export const le = {
  u16: (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff],
  u32: (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff],
  u64: (n: bigint): number[] => {
    const out: number[] = [];
    for (let i = 0n; i < 8n; i++) out.push(Number((BigInt.asUintN(64, n) >> (8n * i)) & 0xffn));
    return out;
  },
  utf16: (s: string): number[] => {
    const out: number[] = [];
    for (let i = 0; i < s.length; i++) out.push(...le.u16(s.charCodeAt(i)));
    return out;
  },
};

/** Writes BinXml at a known chunk-relative position (needed for inline names and templates). */
export class BinXml {
  readonly bytes: number[] = [];
  constructor(
    /** Chunk-relative offset of bytes[0]. */
    readonly base: number,
    /** Omit the dependency identifier of element starts (as some BinXml values do). */
    readonly noDependencyId = false,
  ) {}

  get pos(): number {
    return this.base + this.bytes.length;
  }

  raw(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }

  /** A name offset field followed by the name itself (inline). */
  name(s: string): this {
    this.raw(...le.u32(this.pos + 4));
    return this.raw(...le.u32(0), ...le.u16(0), ...le.u16(s.length), ...le.utf16(s), 0, 0);
  }

  /** A name offset field pointing at a name written earlier. */
  nameRef(offset: number): this {
    return this.raw(...le.u32(offset));
  }

  fragmentHeader(): this {
    return this.raw(0x0f, 0x01, 0x01, 0x00);
  }

  /**
   * `<name attrs…>children</name>`; attrs map to value-writing callbacks, children to a callback.
   * Without children the element is closed empty.
   */
  element(name: string, attrs: [string, (w: this) => void][] = [], children?: (w: this) => void): this {
    this.raw(attrs.length ? 0x41 : 0x01);
    if (!this.noDependencyId) this.raw(0xff, 0xff);
    this.raw(...le.u32(0)); // data size: not needed by readers that walk tokens
    this.name(name);
    if (attrs.length) {
      this.raw(...le.u32(0)); // attribute list size
      attrs.forEach(([an, value], i) => {
        this.raw(i < attrs.length - 1 ? 0x46 : 0x06);
        this.name(an);
        value(this);
      });
    }
    if (children === undefined) return this.raw(0x03);
    this.raw(0x02);
    children(this);
    return this.raw(0x04);
  }

  text(s: string, more = false): this {
    return this.raw(more ? 0x45 : 0x05, 0x01, ...le.u16(s.length), ...le.utf16(s));
  }

  cdata(s: string): this {
    return this.raw(0x07, ...le.u16(s.length), ...le.utf16(s));
  }

  charRef(code: number): this {
    return this.raw(0x08, ...le.u16(code));
  }

  entityRef(name: string): this {
    this.raw(0x09);
    return this.name(name);
  }

  pi(target: string, data: string): this {
    this.raw(0x0a);
    this.name(target);
    return this.raw(0x0b, ...le.u16(data.length), ...le.utf16(data));
  }

  sub(index: number, type: number, optional = false): this {
    return this.raw(optional ? 0x0e : 0x0d, ...le.u16(index), type);
  }

  eof(): this {
    return this.raw(0x00);
  }

  /**
   * A template instance with an inline definition (body written by `body`) and its values.
   * Returns the chunk-relative offset of the definition, for reuse with templateRef.
   */
  template(body: (w: BinXml) => void, values: Value[], guidByte = 0x11): number {
    this.raw(0x0c, 0x01, ...le.u32(0x12345678));
    const defOffset = this.pos + 4;
    this.raw(...le.u32(defOffset));
    this.raw(...le.u32(0), ...new Array<number>(16).fill(guidByte));
    const sizeAt = this.bytes.length;
    this.raw(...le.u32(0));
    const def = new BinXml(this.pos, this.noDependencyId);
    def.fragmentHeader();
    body(def);
    def.eof();
    this.bytes.push(...def.bytes);
    this.bytes.splice(sizeAt, 4, ...le.u32(def.bytes.length));
    this.values(values);
    return defOffset;
  }

  /** A template instance reusing the definition at `defOffset`. */
  templateRef(defOffset: number, values: Value[]): this {
    this.raw(0x0c, 0x01, ...le.u32(0x12345678), ...le.u32(defOffset));
    return this.values(values);
  }

  private values(values: Value[]): this {
    this.raw(...le.u32(values.length));
    const sized = values.map((v) => (typeof v.bytes === 'function' ? v.bytes(0) : v.bytes));
    values.forEach((v, i) => this.raw(...le.u16(sized[i].length), v.type, 0));
    for (const v of values) this.raw(...(typeof v.bytes === 'function' ? v.bytes(this.pos) : v.bytes));
    return this;
  }
}

export interface RecordSpec {
  id: number;
  /** FILETIME ticks of the record header's written time. */
  written?: bigint;
  /** Writes the record's BinXml (fragment header, template instance or elements, end of fragment). */
  body: (w: BinXml) => void;
}

const RECORD_HEADER = 24;

/** A 64 KiB chunk holding `records`, with correct checksums. */
export function buildChunk(records: RecordSpec[]): Buffer {
  const chunk = Buffer.alloc(65536);
  chunk.write('ElfChnk\0', 0, 'latin1');
  let pos = 512;
  let last = 512;
  for (const r of records) {
    const w = new BinXml(pos + RECORD_HEADER);
    r.body(w);
    const size = RECORD_HEADER + w.bytes.length + 4;
    const rec = Buffer.from([
      ...le.u32(0x2a2a),
      ...le.u32(size),
      ...le.u64(BigInt(r.id)),
      ...le.u64(r.written ?? 131000000000000000n),
      ...w.bytes,
      ...le.u32(size),
    ]);
    rec.copy(chunk, pos);
    last = pos;
    pos += size;
  }
  const first = records[0]?.id ?? 0;
  const lastId = records[records.length - 1]?.id ?? 0;
  Buffer.from([
    ...le.u64(1n),
    ...le.u64(BigInt(records.length)),
    ...le.u64(BigInt(first)),
    ...le.u64(BigInt(lastId)),
    ...le.u32(128),
    ...le.u32(last),
    ...le.u32(pos),
    ...le.u32(crc32(chunk.subarray(512, pos))),
  ]).copy(chunk, 8);
  chunk.writeUInt32LE(crc32(chunk.subarray(128, 512), crc32(chunk.subarray(0, 120))), 124);
  return chunk;
}

/** A whole EVTX file: header declaring `chunks.length` chunks, then the chunks. */
export function buildFile(chunks: Buffer[], declared = chunks.length): Buffer {
  const head = Buffer.alloc(4096);
  head.write('ElfFile\0', 0, 'latin1');
  Buffer.from([
    ...le.u64(0n),
    ...le.u64(BigInt(Math.max(0, declared - 1))),
    ...le.u64(1000n),
    ...le.u32(128),
    ...le.u16(1),
    ...le.u16(3),
    ...le.u16(4096),
    ...le.u16(declared),
  ]).copy(head, 8);
  head.writeUInt32LE(crc32(head.subarray(0, 120)), 124);
  return Buffer.concat([head, ...chunks]);
}

/** One record whose template is `<Event><Data>%0</Data>…</Event>` with one Data per value. */
export function dataRecord(id: number, values: Value[], optional = false): RecordSpec {
  return {
    id,
    body: (w) => {
      w.fragmentHeader();
      w.template(
        (t) =>
          t.element('Event', [], (e) =>
            values.forEach((v, i) => e.element('Data', [], (d) => d.sub(i, v.type, optional))),
          ),
        values,
      );
      w.eof();
    },
  };
}
