/**
 * IP addresses as Elasticsearch's `ip` type sees them: IPv4 and IPv6 share one 16-byte space
 * (IPv4 is mapped into ::ffff:0:0/96), values compare by those bytes, and print in canonical form.
 */

/** 16 bytes as 32 lowercase hex characters: string comparison equals byte comparison. */
export type IpKey = string;

/** Dotted quad → its four bytes, by hand (this runs for every IP value of every event). */
function parseV4(s: string): number[] | undefined {
  const out = [0, 0, 0, 0];
  let part = 0;
  let digits = 0;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || part === 3) return undefined;
      out[part++] = v;
      v = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (++digits > 3) return undefined;
      v = v * 10 + (c - 48);
      if (v > 255) return undefined;
    } else return undefined;
  }
  if (part !== 3 || digits === 0) return undefined;
  out[3] = v;
  return out;
}

function parseV6(s: string): number[] | undefined {
  let text = s;
  const pct = text.indexOf('%');
  if (pct >= 0) text = text.slice(0, pct);
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.') && lastColon >= 0) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (!v4) return undefined;
    tail = [(v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]];
    text = text.slice(0, lastColon + 1) + '0';
    // the placeholder 0 group is replaced below
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const group = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = group(halves[0]);
  const right = halves.length === 2 ? group(halves[1]) : [];
  if (!left || !right) return undefined;
  let groups: number[];
  if (tail.length) {
    // remove the placeholder group appended for the dotted tail
    if (halves.length === 2) right.pop();
    else left.pop();
  }
  const total = left.length + right.length + tail.length;
  if (halves.length === 2) {
    if (total > 7) return undefined;
    groups = [...left, ...new Array<number>(8 - total).fill(0), ...right, ...tail];
  } else {
    if (total !== 8) return undefined;
    groups = [...left, ...tail];
  }
  const bytes: number[] = [];
  for (const g of groups) bytes.push(g >> 8, g & 255);
  return bytes;
}

/** Parses an IPv4 or IPv6 address to its 16-byte form, or undefined when it is not an address. */
export function parseIpBytes(text: string): number[] | undefined {
  if (text.includes(':')) return parseV6(text);
  const v4 = parseV4(text);
  return v4 ? [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, ...v4] : undefined;
}

function toKey(bytes: number[]): IpKey {
  let s = '';
  for (const b of bytes) s += (b < 16 ? '0' : '') + b.toString(16);
  return s;
}

const V4_PREFIX = '00000000000000000000ffff';
const HEX = Array.from({ length: 256 }, (_, i) => (i < 16 ? '0' : '') + i.toString(16));

export function ipKey(text: string): IpKey | undefined {
  if (!text.includes(':')) {
    const b = parseV4(text);
    return b ? V4_PREFIX + HEX[b[0]] + HEX[b[1]] + HEX[b[2]] + HEX[b[3]] : undefined;
  }
  const b = parseIpBytes(text);
  return b ? toKey(b) : undefined;
}

/** Canonical text: dotted IPv4 for mapped addresses, RFC 5952 compressed IPv6 otherwise. */
export function formatIpKey(key: IpKey): string {
  const bytes: number[] = [];
  for (let i = 0; i < 32; i += 2) bytes.push(parseInt(key.slice(i, i + 2), 16));
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255) {
    return bytes.slice(12).join('.');
  }
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export interface Cidr {
  /** For IPv4 blocks: network and mask as unsigned 32-bit integers (fast path). */
  v4?: { net: number; mask: number };
  /** Network bytes (16), already masked. */
  network: number[];
  /** Prefix length in the 128-bit space. */
  prefix: number;
  /** The whole hex digits of the network the key must start with. */
  hexPrefix: string;
  /** Remaining bits (0..3) of the next hex digit: its value and mask. */
  nibble: number;
  nibbleMask: number;
}

/** Parses `a.b.c.d/n`, `v6/n` or a single address (a /32 or /128 block). */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const bytes = parseIpBytes(addr);
  if (!bytes) return undefined;
  const isV4 = !addr.includes(':');
  let prefix = isV4 ? 32 : 128;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    if (prefix > (isV4 ? 32 : 128)) return undefined;
  }
  const full = isV4 ? prefix + 96 : prefix;
  const network = bytes.map((b, i) => {
    const bitsHere = Math.max(0, Math.min(8, full - i * 8));
    const mask = bitsHere === 0 ? 0 : (0xff << (8 - bitsHere)) & 0xff;
    return b & mask;
  });
  const key = toKey(network);
  const whole = full >> 2;
  const rest = full & 3;
  const nibbleMask = rest === 0 ? 0 : (0xf << (4 - rest)) & 0xf;
  const nibble = rest === 0 ? 0 : parseInt(key[whole], 16) & nibbleMask;
  const cidr: Cidr = { network, prefix: full, hexPrefix: key.slice(0, whole), nibble, nibbleMask };
  if (full >= 96 && key.startsWith(V4_PREFIX)) {
    const bits = full - 96;
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    cidr.v4 = { net: (parseInt(key.slice(24), 16) & mask) >>> 0, mask };
  }
  return cidr;
}

/** Tests a key against several blocks; an IPv4 key is turned into one integer once. */
export function cidrsContain(blocks: Cidr[], key: IpKey): boolean {
  if (key.startsWith(V4_PREFIX)) {
    const ip = parseInt(key.slice(24), 16) >>> 0;
    for (const c of blocks) {
      if (c.v4) {
        if ((ip & c.v4.mask) >>> 0 === c.v4.net) return true;
      } else if (cidrContains(c, key)) return true;
    }
    return false;
  }
  for (const c of blocks) if (cidrContains(c, key)) return true;
  return false;
}

export function cidrContains(c: Cidr, key: IpKey): boolean {
  if (!key.startsWith(c.hexPrefix)) return false;
  if (c.nibbleMask === 0) return true;
  return (parseInt(key[c.hexPrefix.length], 16) & c.nibbleMask) === c.nibble;
}
