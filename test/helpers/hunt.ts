/** A hunt in process with its terminal output discarded, for tests that look at its result. */
import { PassThrough } from 'node:stream';
import { huntWithResult, type HuntOptions, type HuntOutcome } from '../../src/engine/hunt/hunt.js';
import { DEFAULT_HUNT_CONFIG, type HuntConfig } from '../../src/engine/hunt/config.js';

export function quietHunt(
  paths: string[],
  config: Partial<HuntConfig> = {},
  extra: Partial<HuntOptions> = {},
): Promise<HuntOutcome> {
  const sink = () => {
    const s = new PassThrough();
    s.resume();
    return s;
  };
  return huntWithResult({
    paths,
    config: { ...DEFAULT_HUNT_CONFIG, ...config },
    spaceId: 'default',
    now: new Date('2026-11-28T00:00:00Z'),
    progress: false,
    summary: false,
    failOnAlert: false,
    threads: 1,
    stderr: sink() as unknown as NodeJS.WritableStream,
    stdout: sink(),
    ...extra,
  });
}
