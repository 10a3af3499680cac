/**
 * Worker thread entry: builds the rule set from the hunt config, then reads the segments the main
 * thread hands out, one after another, posting batches of results.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { HuntConfig, Segment } from './config.js';
import { SegmentProcessor } from './process.js';
import { loadHuntRules } from './rule-set.js';

export type ToWorker = { type: 'segment'; segment: Segment } | { type: 'stop' };
export type FromWorker =
  | { type: 'batch'; batch: import('./messages.js').Batch }
  | { type: 'done'; done: import('./messages.js').SegmentDone }
  | { type: 'error'; message: string; segment?: number };

const port = parentPort;
if (port) {
  const config = workerData as HuntConfig;
  const { rules } = loadHuntRules(config);
  const processor = new SegmentProcessor(config, rules, (batch) =>
    port.postMessage({ type: 'batch', batch } satisfies FromWorker),
  );
  // Segments may be handed out ahead (the main thread, reading too, answers late): they run one
  // after another, as does `stop`, never interleaved in the one processor.
  let queue = Promise.resolve();
  port.on('message', (msg: ToWorker) => {
    queue = queue.then(async () => {
      if (msg.type === 'stop') {
        port.close();
        return;
      }
      try {
        const done = await processor.run(msg.segment);
        port.postMessage({ type: 'done', done } satisfies FromWorker);
      } catch (err) {
        port.postMessage({
          type: 'error',
          message: err instanceof Error ? err.message : String(err),
          segment: msg.segment.id,
        } satisfies FromWorker);
      }
    });
  });
}
