// Ordering of strings by UTF-16 code units: the same on every machine and locale, and free of ICU's start-up cost.

/** Negative, zero or positive as `a` sorts before, with or after `b` by code units (what `<` compares). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
