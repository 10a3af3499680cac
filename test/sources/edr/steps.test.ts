/** The generic steps the EDR tables add on top of the mapping engine (src/sources/edr/steps.ts). */
import { describe, expect, it } from 'vitest';
import { compileMapping, type Step } from '../../../src/sources/mapping/index.js';
import {
  argvSkipEmptyStep,
  renameTableStep,
  expandDots,
  expandDotsStep,
  filePathPartsStep,
} from '../../../src/sources/edr/steps.js';

const run = (steps: Step[], doc: Record<string, unknown>) => compileMapping({ name: 't', steps }).apply(doc);

describe('EDR steps', () => {
  it('expandDots nests dotted keys and merges them with objects already there', () => {
    const o: Record<string, unknown> = { 'a.b.c': 1, a: { d: 2 }, 'a.e': { f: 3 }, x: 4 };
    expandDots(o);
    expect(o).toEqual({ a: { d: 2, b: { c: 1 }, e: { f: 3 } }, x: 4 });
    expect(run([expandDotsStep('json')], { json: { 'k.l': 1 } })).toEqual({ json: { k: { l: 1 } } });
  });

  it('renameTable moves only the listed keys present, never over an existing target', () => {
    const step = renameTableStep('t', 'src', [
      ['A', 'out.a'],
      ['B', 'out.b'],
      ['C', 'out.c'],
    ]);
    expect(run([step], { src: { A: 1, B: null, D: 4, C: 3 }, out: { c: 'kept' } })).toEqual({
      src: { B: null, D: 4, C: 3 },
      out: { a: 1, c: 'kept' },
    });
  });

  it('argvSkipEmpty counts only non-empty arguments', () => {
    expect(run([argvSkipEmptyStep('cmd', 'args', 'n')], { cmd: 'a "" b  c' })).toEqual({
      cmd: 'a "" b  c',
      args: ['a', 'b', 'c'],
      n: 3,
    });
    expect(run([argvSkipEmptyStep('cmd', 'args', 'n')], { cmd: '' })).toEqual({ cmd: '' });
  });

  it('filePathParts gives name, directory, drive letter, and the extension of files only', () => {
    const step = filePathPartsStep('p', { trimTrailing: true });
    expect(run([step], { p: 'C:\\a\\b.txt', file: { type: 'file' } }).file).toEqual({
      type: 'file',
      name: 'b.txt',
      directory: 'C:\\a',
      extension: 'txt',
      drive_letter: 'C',
    });
    expect(run([step], { p: '/tmp/dir.d/', file: { type: 'dir' } }).file).toEqual({
      type: 'dir',
      name: 'dir.d',
      directory: '/tmp',
    });
    expect(run([filePathPartsStep('p', { trimTrailing: false })], { p: '/tmp/x/' }).file).toEqual({
      name: '',
      directory: '/tmp/x',
    });
  });
});
