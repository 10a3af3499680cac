/**
 * Progress on long hunts: a bar on a terminal (bytes, events/s, alerts, ETA), plain periodic lines
 * otherwise (CI logs, files). Everything goes to stderr so stdout stays machine-readable.
 */
import { createRequire } from 'node:module';
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
    // Loaded for a terminal only: piped and quiet runs do not pay for it at start-up.
    const { SingleBar } = createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');
    const bar = new SingleBar({
      format:
        // Not `{total}`/`{eta}`: cli-progress fills those itself (the raw byte count; an ETA from the
        // bar's own rate, garbage once reading is over).
        ' {bar} {percentage}% | {done} of {size} | {rate} events/s | {hits} | {phase}{left}',
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
        const seconds = Math.max(0.001, (Date.now() - started) / 1000);
        const payload = {
          done: formatBytes(p.bytesDone),
          size: formatBytes(p.bytesTotal),
          rate: formatCount(Math.round(p.records / seconds)),
          hits: counted(p.hits, 'match', 'matches'),
          phase: p.phase,
          left: p.phase === 'reading' ? timeLeft(p.bytesTotal - p.bytesDone, p.bytesDone / seconds) : '',
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

/** ` | ETA 1m 05s` from the bytes left and the rate so far; nothing before there is a rate. */
function timeLeft(bytesLeft: number, bytesPerSecond: number): string {
  if (!(bytesPerSecond > 0) || bytesLeft < 0) return '';
  const s = Math.ceil(bytesLeft / bytesPerSecond);
  return ` | ETA ${s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`}`;
}
