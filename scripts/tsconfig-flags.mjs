// The compiler flags of tsconfig.json, for the tools that compile TypeScript with esbuild instead of tsc (the
// rollup build and the test server), so decorators and class fields are emitted one way everywhere.
import { readFileSync } from 'node:fs';

const { compilerOptions } = JSON.parse(readFileSync(new URL('../tsconfig.json', import.meta.url), 'utf8'));

/** esbuild's `tsconfigRaw`. */
export const tsconfigRaw = { compilerOptions };

/** esbuild's `target`, e.g. `es2022`. */
export const target = compilerOptions.target.toLowerCase();

/** terser's `ecma`, e.g. 2022. */
export const ecma = Number(target.replace(/^es/, ''));
