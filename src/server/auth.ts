/**
 * API key checking, in Elasticsearch's forms: `Authorization: ApiKey base64(id:KEY)`,
 * `ApiKey KEY`, or `Basic base64(user:KEY)`. Compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s).digest();

export function makeKeyCheck(key: string): (header: string | undefined) => boolean {
  const want = digest(key);
  const same = (candidate: string) => timingSafeEqual(digest(candidate), want);
  return (header) => {
    if (!header) return false;
    const sp = header.indexOf(' ');
    if (sp < 0) return false;
    const scheme = header.slice(0, sp).toLowerCase();
    const value = header.slice(sp + 1).trim();
    if (scheme === 'apikey') {
      if (same(value)) return true;
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return colon >= 0 && same(decoded.slice(colon + 1));
    }
    if (scheme === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return colon >= 0 && same(decoded.slice(colon + 1));
    }
    return false;
  };
}

/** True for addresses that only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::ffff:127.0.0.1';
}
