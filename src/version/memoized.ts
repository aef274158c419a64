// A version scheme that remembers its answers: one match run compares the same installed version with the same
// range events many times over (an SBOM's versions against every candidate advisory), and parsing dominates.
import { InvalidVersionError, type VersionScheme } from './scheme.ts';

/** `scheme` with `compare` and `isValid` answered from memory after the first time. Lives as long as one match run. */
export function memoized(scheme: VersionScheme): VersionScheme {
  const compared = new Map<string, number | InvalidVersionError>();
  const valid = new Map<string, boolean>();
  return {
    name: scheme.name,
    compare(a: string, b: string): number {
      const key = `${a}\u0000${b}`;
      let result = compared.get(key);
      if (result === undefined) {
        try {
          result = scheme.compare(a, b);
        } catch (err) {
          if (!(err instanceof InvalidVersionError)) throw err;
          result = err;
        }
        compared.set(key, result);
      }
      if (result instanceof InvalidVersionError) throw result;
      return result;
    },
    isValid(version: string): boolean {
      let result = valid.get(version);
      if (result === undefined) valid.set(version, (result = scheme.isValid(version)));
      return result;
    },
  };
}
