// Strict, bounded JSON decoding of manifests and configs, turning malformed input into one-line errors.
import { SextantError } from '../core/errors.ts';

/** Parse `bytes` as a JSON object; CORRUPT naming `what` when it is not valid JSON or not an object. */
export function parseJsonObject(bytes: Buffer | string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch (err) {
    throw new SextantError('CORRUPT', `${what} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SextantError('CORRUPT', `${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Narrow helpers that read optional typed fields without trusting the input. */
export function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** `v` when it is an array of strings, else null. */
export function strArray(v: unknown): string[] | null {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : null;
}

/** `v` when it is a plain object, else null. */
export function obj(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** `v` when it is an object of string values (labels, annotations), else an empty object. */
export function stringMap(v: unknown): Record<string, string> {
  const o = obj(v);
  if (!o) return {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(o)) if (typeof val === 'string') out[k] = val;
  return out;
}
