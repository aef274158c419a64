// Rust cataloger: Cargo.lock files (cargo-auditable binaries are a separate, later cataloger).
import { globCataloger } from '../../cataloger.ts';
import type { Cataloger } from '../../cataloger.ts';
import { parseCargoLock } from './parse-cargo-lock.ts';

/** Crates locked by `Cargo.lock`, the workspace's own crates marked as such. */
export const rustCargoLockCataloger = globCataloger('rust-cargo-lock', 1, [{ glob: '**/Cargo.lock', parse: parseCargoLock }]) satisfies Cataloger;
