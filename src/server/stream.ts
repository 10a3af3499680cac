/**
 * Server-Sent Events for the UI's live update (`GET /api/stream`): `alert` for each new alert,
 * `alert-updated` after workflow changes, `health` every 10 s, and a comment line as keep-alive.
 * A client that does not read (its socket buffer full) is dropped rather than buffered forever.
 */
import type { ServerResponse } from 'node:http';

export class StreamHub {
  private readonly clients = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly healthOf: () => unknown,
    private readonly intervalMs = 10_000,
  ) {}

  add(res: ServerResponse): void {
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    res.write(': eqlite stream\n\n');
    this.send('health', this.healthOf(), res);
    if (!this.timer) {
      this.timer = setInterval(() => this.broadcast('health', this.healthOf()), this.intervalMs);
      this.timer.unref();
    }
  }

  get size(): number {
    return this.clients.size;
  }

  broadcast(event: string, data: unknown): void {
    if (this.clients.size === 0) return;
    const text = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const c of this.clients) this.write(c, text);
  }

  private send(event: string, data: unknown, res: ServerResponse): void {
    this.write(res, `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private write(res: ServerResponse, text: string): void {
    if (res.writableLength > 8 << 20) {
      res.destroy();
      this.clients.delete(res);
      return;
    }
    res.write(text);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    for (const c of this.clients) c.end();
    this.clients.clear();
  }
}
