// Hex cataloger: mix.lock files of Elixir (and Erlang via Mix) projects.
import { globCataloger } from '../../cataloger.ts';
import type { Cataloger } from '../../cataloger.ts';
import { parseMixLock } from './parse-mix-lock.ts';

/** Hex packages locked by `mix.lock`. */
export const hexMixLockCataloger = globCataloger('hex-mix-lock', 1, [{ glob: '**/mix.lock', parse: parseMixLock }]) satisfies Cataloger;
