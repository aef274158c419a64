// Dart cataloger: pubspec.lock files of Dart and Flutter applications.
import { globCataloger } from '../../cataloger.ts';
import type { Cataloger } from '../../cataloger.ts';
import { parsePubspecLock } from './parse-pubspec-lock.ts';

/** Packages locked by `pubspec.lock`, direct (main or dev) or transitive. */
export const dartPubspecLockCataloger = globCataloger('dart-pubspec-lock', 1, [{ glob: '**/pubspec.lock', parse: parsePubspecLock }]) satisfies Cataloger;
