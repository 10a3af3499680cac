/** The event-stream parser the live update reads /api/stream with. */
import { describe, expect, it } from 'vitest';
import { SseParser } from '../../../src/server/ui/lib/sse.js';

describe('SseParser', () => {
  it('parses named events, multi-line data and comments', () => {
    const p = new SseParser();
    const out = p.push(
      ': keep-alive\n\nevent: alert\ndata: {"id":"a"}\n\nevent: health\ndata: line1\ndata: line2\nid: 7\n\n',
    );
    expect(out).toEqual([
      { event: 'alert', data: '{"id":"a"}' },
      { event: 'health', data: 'line1\nline2', id: '7' },
    ]);
  });

  it('handles chunks split anywhere, CRLF and CR line ends', () => {
    // A CR may be half of a CRLF, so the parser waits for the next character to decide.
    const text = 'event: alert\r\ndata: {"id":"b"}\r\n\r\nevent: alert-updated\rdata: x\r\rdata: tail\n\n';
    const p = new SseParser();
    const out = [];
    for (const ch of text) out.push(...p.push(ch));
    expect(out).toEqual([
      { event: 'alert', data: '{"id":"b"}' },
      { event: 'alert-updated', data: 'x' },
      { event: 'message', data: 'tail' },
    ]);
  });

  it('defaults the event name, ignores empty events and unknown fields, reads retry', () => {
    const p = new SseParser();
    expect(p.push('event: alert\n\nfoo: bar\ndata\n\nretry: 3000\n')).toEqual([{ event: 'message', data: '' }]);
    expect(p.retry).toBe(3000);
  });
});
