/**
 * Progress on long hunts: a bar on a terminal (bytes, events/s, alerts, ETA), plain periodic lines
 * otherwise (CI logs, files). Everything goes to stderr so stdout stays machine-readable.
 */
import { SingleBar } from 'cli-progress';
import type { HuntProgress } from './run.js';
import { counted, formatCount } from '../counted.js';
import { formatBytes } from './summary.js';

export interface ProgressReporter {
  update(p: HuntProgress): void;
  stop(): void;
}

export function progressReporter(stream: NodeJS.WriteStream, enabled: boolean): ProgressReporter {
  const started = Date.now();
  if (!enabled) return { update() {}, stop() {} };
  if (stream.isTTY) {
    const bar = new SingleBar({
      format:
        ' {bar} {percentage}% | {done} of {total} | {rate} events/s | {hits} matches | {phase} | ETA {eta_formatted}',
      barCompleteChar: '█',
      barIncompleteChar: '░',
      hideCursor: true,
      stream,
      fps: 5,
      etaBuffer: 50,
    });
    let begun = false;
    return {
      update(p) {
        const payload = {
          done: formatBytes(p.bytesDone),
          total: formatBytes(p.bytesTotal),
          rate: formatCount(Math.round(p.records / Math.max(0.001, (Date.now() - started) / 1000))),
          hits: formatCount(p.hits),
          phase: p.phase,
        };
        if (!begun) {
          bar.start(Math.max(1, p.bytesTotal), Math.min(p.bytesDone, p.bytesTotal), payload);
          begun = true;
        } else bar.update(Math.min(p.bytesDone, Math.max(1, p.bytesTotal)), payload);
      },
      stop() {
        if (begun) bar.stop();
      },
    };
  }
  let last = 0;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 5000 && p.phase === 'reading') return;
      last = now;
      const pct = p.bytesTotal ? ` (${Math.floor((100 * p.bytesDone) / p.bytesTotal)}%)` : '';
      stream.write(
        `eqlite: ${p.phase}: ${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}${pct}, ${counted(p.records, 'record')}, ${counted(p.hits, 'match', 'matches')}\n`,
      );
    },
    stop() {},
  };
}
