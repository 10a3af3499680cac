/** The shared source types, for the frozen reference copy (see README.md). */
export type * from '../../../../src/sources/types.js';
