// The secret scanner: runs the rules over text (keyword prefilter, then regex, then entropy and allow-lists) and
// returns redacted matches. Pure: text in, matches out; the secret values never leave this module.
import type { SecretSeverity } from '../../core/secret.ts';
import { PLACEHOLDERS, SECRET_RULES, type SecretRule } from './rules.ts';
import { compareText } from '../../core/compare-text.ts';

/** One secret found in a text, without its value: where it starts and ends, and the redacted preview. */
export interface SecretMatch {
  rule: string;
  severity: SecretSeverity;
  title: string;
  /** Offsets of the secret (not the whole match) in the text scanned. */
  start: number;
  end: number;
  preview: string;
}

/** Characters of a secret a preview shows: enough to tell which key it is, far too few to use it. */
export const PREVIEW_CHARS = 4;

/** The redacted form of a secret: its first 4 characters, then `*****` whatever its length. */
export function redact(secret: string): string {
  return `${secret.slice(0, PREVIEW_CHARS)}*****`;
}

/** Shannon entropy of `s` in bits per character: about 2–3 for words, 4–6 for random base64 or hex. */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** A compiled rule set: the rules, and one regex over all their keywords so most texts are rejected in one pass. */
export interface RuleSet {
  rules: readonly SecretRule[];
  keywords: RegExp;
  /** Keyword (lower case) → the indexes of the rules it enables. */
  byKeyword: Map<string, number[]>;
}

/** Compile `rules` for scanning. */
export function compileRules(rules: readonly SecretRule[]): RuleSet {
  const byKeyword = new Map<string, number[]>();
  rules.forEach((r, i) => {
    for (const k of r.keywords) byKeyword.set(k, [...(byKeyword.get(k) ?? []), i]);
  });
  const alternatives = [...byKeyword.keys()].sort((a, b) => b.length - a.length).map((k) => k.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&'));
  return { rules, keywords: new RegExp(alternatives.join('|'), 'gi'), byKeyword };
}

/** The default rules, compiled once. */
export const DEFAULT_RULE_SET: RuleSet = compileRules(SECRET_RULES);

/**
 * Every secret in `text`, in order of position. Findings of a generic rule that overlap a specific rule's finding
 * are dropped (`token=ghp_…` is a GitHub token, reported once).
 */
export function scanText(text: string, set: RuleSet = DEFAULT_RULE_SET): SecretMatch[] {
  const enabled = enabledRules(text, set);
  if (enabled.length === 0) return [];
  const found: (SecretMatch & { generic: boolean })[] = [];
  for (const rule of enabled) {
    rule.regex.lastIndex = 0;
    for (const m of text.matchAll(rule.regex)) {
      const secret = lastGroup(m);
      if (!accept(rule, secret)) continue;
      const start = m.index + m[0].lastIndexOf(secret);
      found.push({ rule: rule.id, severity: rule.severity, title: rule.title, start, end: start + secret.length, preview: redact(secret), generic: rule.generic ?? false });
    }
  }
  const specific = found.filter((f) => !f.generic);
  return found
    .filter((f) => !f.generic || !specific.some((s) => s.start < f.end && f.start < s.end))
    .sort((a, b) => a.start - b.start || compareText(a.rule, b.rule))
    .map(({ generic: _generic, ...match }) => match);
}

/** 1-based line of offset `at` in `text`. */
export function lineAt(text: string, at: number, from = 0, line = 1): number {
  for (let i = text.indexOf('\n', from); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The rules whose keywords occur in `text` (case-insensitively), in rule order. */
function enabledRules(text: string, set: RuleSet): SecretRule[] {
  const on = new Set<number>();
  set.keywords.lastIndex = 0;
  for (const m of text.matchAll(set.keywords)) {
    for (const i of set.byKeyword.get(m[0].toLowerCase()) ?? []) on.add(i);
    if (on.size === set.rules.length) break;
  }
  return [...on].sort((a, b) => a - b).map((i) => set.rules[i] as SecretRule);
}

/** The secret of a match: its last capture group that took part, or the whole match. */
function lastGroup(m: RegExpMatchArray): string {
  for (let i = m.length - 1; i >= 1; i--) {
    const g = m[i];
    if (g !== undefined) return g;
  }
  return m[0];
}

function accept(rule: SecretRule, secret: string): boolean {
  if (PLACEHOLDERS.some((p) => p.test(secret))) return false;
  if (rule.allow?.some((p) => p.test(secret))) return false;
  if (rule.minEntropy !== undefined && shannonEntropy(secret) < rule.minEntropy) return false;
  return rule.validate ? rule.validate(secret) : true;
}
