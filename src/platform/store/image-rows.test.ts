// The canonical JSON that names package content: equal content gives equal text whatever the key order, and the
// text is what JSON.stringify writes for the same object with its keys sorted (integer-like keys first).
import { describe, expect, it } from 'vitest';
import { prng } from '../../../test/support/prng.ts';
import { canonicalJson } from './image-rows.ts';

/** The plain definition: rebuild every object with its keys inserted in sorted order, then JSON.stringify. */
function reference(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(sorted);
    const withJson = v as { toJSON?: () => unknown };
    if (typeof withJson.toJSON === 'function') return sorted(withJson.toJSON());
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) out[key] = sorted((v as Record<string, unknown>)[key]);
    return out;
  };
  return JSON.stringify(sorted(value)) ?? 'null';
}

/** A random JSON-ish value: nested objects and arrays, odd keys, undefined members, dates. */
function randomValue(random: () => number, depth: number): unknown {
  const pick = Math.floor(random() * (depth > 3 ? 6 : 9));
  const key = () => ['a', 'B', 'z', '10', '9', '0', '01', 'é', '"q"', 'a b', '-1', '4294967295', ''][Math.floor(random() * 13)] as string;
  switch (pick) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return Math.floor(random() * 2000) - 1000 + (random() < 0.3 ? 0.25 : 0);
    case 3:
      return `s${Math.floor(random() * 100)}\n"\u2028`;
    case 4:
      return undefined;
    case 5:
      return new Date(Date.UTC(2024, 0, 1 + Math.floor(random() * 300)));
    case 6:
    case 7: {
      const out: Record<string, unknown> = {};
      for (let i = Math.floor(random() * 6); i > 0; i--) out[key()] = randomValue(random, depth + 1);
      return out;
    }
    default:
      return Array.from({ length: Math.floor(random() * 5) }, () => randomValue(random, depth + 1));
  }
}

describe('canonicalJson', () => {
  it('writes what JSON.stringify writes for the key-sorted value, for 5,000 random values', () => {
    const random = prng(7);
    for (let i = 0; i < 5000; i++) {
      const value = randomValue(random, 0);
      expect(canonicalJson(value)).toBe(reference(value));
    }
  });

  it('gives equal text for equal content in any key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 3 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, { x: 3, y: 2 }] }, b: 1 }));
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson([undefined, () => 1])).toBe('[null,null]');
  });
});
