// Ruby catalogers: installed gem specifications and Bundler lockfiles.
import { globCataloger } from '../../cataloger.ts';
import type { Cataloger } from '../../cataloger.ts';
import { parseGemfileLock } from './parse-gemfile-lock.ts';
import { parseGemspec } from './parse-gemspec.ts';

/**
 * Installed gems: one package per `specifications/*.gemspec` that RubyGems wrote, and the default gems that ship
 * with Ruby itself (`specifications/default/`, e.g. openssl, json), which are installed code all the same.
 */
export const rubyGemspecCataloger = globCataloger('ruby-gemspec', 1, [
  { glob: '**/specifications/*.gemspec', parse: parseGemspec },
  { glob: '**/specifications/default/*.gemspec', parse: parseGemspec },
]) satisfies Cataloger;

/** Bundler lockfiles: every resolved gem, direct when the Gemfile names it. */
export const rubyGemfileLockCataloger = globCataloger('ruby-gemfile-lock', 1, [{ glob: '**/Gemfile.lock', parse: parseGemfileLock }]) satisfies Cataloger;
