// The canonical JSON that names package content: equal content gives equal text whatever the key order, with every
// object's keys sorted (integer-like keys first), and means what JSON.stringify of the value means.
import { describe, expect, it } from 'vitest';
import { prng } from '../../../test/support/prng.ts';
import { canonicalJson } from './image-rows.ts';

/** `value` with every object's keys (recursively) in a shuffled order: the same content, written differently. */
function shuffled(value: unknown, random: () => number): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => shuffled(v, random));
  const entries = Object.entries(value);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [entries[i], entries[j]] = [entries[j] as [string, unknown], entries[i] as [string, unknown]];
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, shuffled(v, random)]));
}

/** Whether every object in the parsed text lists its keys as a sorted rebuild would (integer-like first, ascending). */
function keysInOrder(text: string): boolean {
  let ordered = true;
  JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      const names = keys.filter((k) => !/^(?:0|[1-9]\d*)$/.test(k) || Number(k) >= 4294967295);
      if (names.join('\u0000') !== [...names].sort().join('\u0000')) ordered = false;
    }
    return v;
  });
  return ordered;
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
  it('writes the same text for the same content in any key order, sorted, and meaning what JSON.stringify means, for 5,000 random values', () => {
    const random = prng(7);
    for (let i = 0; i < 5000; i++) {
      const value = randomValue(random, 0);
      const text = canonicalJson(value);
      expect(canonicalJson(shuffled(value, random))).toBe(text);
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value) ?? 'null'));
      expect(keysInOrder(text)).toBe(true);
    }
  });

  it('gives equal text for equal content in any key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 3 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, { x: 3, y: 2 }] }, b: 1 }));
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson([undefined, () => 1])).toBe('[null,null]');
  });
});
