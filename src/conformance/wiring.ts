/** Where the spec suite lives and which sequence engine runs it. */
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import type { SequenceExecutor } from './runner.js';
import { executeSequenceOrSample } from './execute.js';

export function defaultSpecDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // src/conformance or dist/conformance → repo root → ../shared
  return resolve(here, '..', '..', '..', 'shared', 'conformance', 'eql-spec');
}

export const sequenceExecutor: SequenceExecutor = executeSequenceOrSample;
