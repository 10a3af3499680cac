/** What every route needs: the store, detection, ingest, metrics and the live stream. */
import type { Store } from '../store/index.js';
import type { DetectionEngine } from './detect/engine.js';
import type { Ingestor } from './ingest/ingestor.js';
import type { RateMeter } from './metrics.js';
import type { StreamHub } from './stream.js';

export interface ServerContext {
  store: Store;
  engine: DetectionEngine;
  ingestor: Ingestor;
  rate: RateMeter;
  hub: StreamHub;
  version: string;
  startedAt: number;
  clusterUuid: string;
  /** Bytes, for `_bulk` and document routes. */
  maxBodyBytes: number;
  /** Bytes, for the JSON API. */
  maxApiBodyBytes: number;
  /** Directory of the built UI (`dist/server/ui`). */
  uiDir: string;
  log: (line: string) => void;
}
