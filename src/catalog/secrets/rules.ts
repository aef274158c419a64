// The secret rules: what each kind of leaked credential looks like (keywords, a regex, entropy, allow-lists).
import type { SecretSeverity } from '../../core/secret.ts';

/**
 * One kind of secret. The scanner runs `regex` only over text that contains one of `keywords` (lower case,
 * matched case-insensitively), so rules stay cheap on the many files that hold none of them.
 *
 * The secret is the last capture group of `regex` that took part in the match (the whole match when there is
 * none): rules capture the value, not the `name=` around it, so previews and entropy look at the value only.
 */
export interface SecretRule {
  readonly id: string;
  readonly title: string;
  readonly severity: SecretSeverity;
  readonly keywords: readonly string[];
  /** Must carry the `g` flag (the scanner iterates its matches). */
  readonly regex: RegExp;
  /** Least Shannon entropy of the secret, in bits per character, for it to count (random data, not words). */
  readonly minEntropy?: number;
  /** Secrets that match any of these are documentation examples or placeholders, not leaks. */
  readonly allow?: readonly RegExp[];
  /** A last check of the secret's shape (a JWT's header must decode to JSON with `alg`). */
  readonly validate?: (secret: string) => boolean;
  /** A catch-all rule: its findings give way to a specific rule's finding at the same place. */
  readonly generic?: boolean;
}

/**
 * Placeholders every rule ignores: documentation examples (AWS's `…EXAMPLE` keys), runs of `x` or `*`, template
 * and shell references (`${VAR}`, `{{ var }}`, `<token>`, `%(name)s`), and the usual stand-in words.
 */
export const PLACEHOLDERS: readonly RegExp[] = [
  /example/i,
  /x{5,}/i,
  /\*{3,}/,
  /\.{3}/,
  /\$\{|\{\{|<[^>]*>|%\(/,
  /change_?me|placeholder|redacted|your[_-]|dummy/i,
];

/** Least entropy (bits per character) of a generic `password=` value: above words and simple passwords, below random tokens. */
export const GENERIC_MIN_ENTROPY = 3.5;
/** Shortest generic `password=` value considered: shorter ones are rarely generated secrets. */
export const GENERIC_MIN_LENGTH = 12;

// A token must not be a piece of a longer word: these stand where \b would, for alphabets that include - and _.
const START = '(?<![A-Za-z0-9_-])';
const END = '(?![A-Za-z0-9_-])';

/** Whether a JWT's header part decodes to a JSON object naming an algorithm, which random dotted text does not. */
function isJwt(token: string): boolean {
  const header = token.slice(0, token.indexOf('.'));
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && typeof (parsed as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}

/** Every rule, specific ones first. */
export const SECRET_RULES: readonly SecretRule[] = [
  {
    id: 'aws-access-key-id',
    title: 'AWS access key ID',
    severity: 'critical',
    keywords: ['akia', 'asia', 'abia', 'acca'],
    // AKIA: long-term user keys; ASIA: temporary (STS) keys; ABIA/ACCA: other AWS services' key ids.
    regex: new RegExp(`${START}((?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})${END}`, 'g'),
  },
  {
    id: 'aws-secret-access-key',
    title: 'AWS secret access key',
    severity: 'critical',
    keywords: ['secret_access', 'secretaccess', 'secret-access', 'aws_secret', 'awssecret'],
    // Forty base64 characters look like many things; only an assignment to a name saying what it is counts.
    regex: /(?:aws_?secret_?access_?key|aws-secret-access-key|secretaccesskey|aws_?secret_?key)["']?\s{0,4}(?::=|=>|=|:)\s{0,4}["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
    minEntropy: 3.5,
  },
  {
    id: 'github-token',
    title: 'GitHub token',
    severity: 'critical',
    keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
    // Personal access (ghp), OAuth (gho), user-to-server (ghu), server-to-server (ghs) and refresh (ghr) tokens.
    regex: new RegExp(`${START}(gh[pousr]_[A-Za-z0-9]{36,251})${END}`, 'g'),
  },
  {
    id: 'github-fine-grained-token',
    title: 'GitHub fine-grained personal access token',
    severity: 'critical',
    keywords: ['github_pat_'],
    regex: new RegExp(`${START}(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})${END}`, 'g'),
  },
  {
    id: 'gitlab-token',
    title: 'GitLab token',
    severity: 'critical',
    keywords: ['glpat-', 'gldt-', 'glrt-', 'glptt-', 'glft-', 'glsoat-', 'glcbt-'],
    // Personal, deploy, runner, trigger, feed, service-account and CI job tokens; newer ones carry `.`-separated parts.
    regex: new RegExp(`${START}(gl(?:pat|dt|rt|ptt|ft|soat|cbt)-[A-Za-z0-9_-]{20,}(?:\\.[A-Za-z0-9_-]+){0,3})${END}`, 'g'),
  },
  {
    id: 'slack-token',
    title: 'Slack token',
    severity: 'high',
    keywords: ['xoxb-', 'xoxp-', 'xoxa-', 'xoxr-'],
    // Bot, user, app and refresh tokens: the prefix, a numeric team or version part, then the token proper.
    regex: new RegExp(`${START}(xox[bpar]-[0-9]{1,}-[A-Za-z0-9-]{10,})${END}`, 'g'),
  },
  {
    id: 'slack-webhook',
    title: 'Slack webhook URL',
    severity: 'high',
    keywords: ['hooks.slack.com'],
    regex: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/([A-Za-z0-9]{8,}\/[A-Za-z0-9]{8,}\/[A-Za-z0-9]{16,})/g,
  },
  {
    id: 'stripe-live-key',
    title: 'Stripe live secret key',
    severity: 'critical',
    keywords: ['sk_live_', 'rk_live_'],
    regex: new RegExp(`${START}([sr]k_live_[A-Za-z0-9]{20,247})${END}`, 'g'),
  },
  {
    id: 'stripe-test-key',
    title: 'Stripe test secret key',
    // Test keys reach no money, but they do reach the account's test data.
    severity: 'low',
    keywords: ['sk_test_', 'rk_test_'],
    regex: new RegExp(`${START}([sr]k_test_[A-Za-z0-9]{20,247})${END}`, 'g'),
  },
  {
    id: 'google-api-key',
    title: 'Google API key',
    severity: 'high',
    keywords: ['aiza'],
    regex: new RegExp(`${START}(AIza[A-Za-z0-9_-]{35})${END}`, 'g'),
  },
  {
    id: 'private-key',
    title: 'Private key',
    severity: 'critical',
    keywords: ['private key'],
    // A BEGIN line alone is what libraries that parse keys contain; a key has base64 after it (headers such as
    // Proc-Type of an encrypted RSA key, or PGP's Version, may come between).
    regex: /-----BEGIN (?:(?:RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY(?: BLOCK)?-----\r?\n(?:[A-Za-z-]+:[^\r\n]{0,200}\r?\n){0,6}(?:\r?\n)?([A-Za-z0-9+/=]{40,})/g,
  },
  {
    id: 'jwt',
    title: 'JSON Web Token',
    severity: 'medium',
    keywords: ['eyj'],
    // `eyJ` is base64url for `{"`: header and payload are JSON objects; the signature may be long (RSA).
    regex: new RegExp(`${START}(eyJ[A-Za-z0-9_-]{8,1000}\\.eyJ[A-Za-z0-9_-]{8,3000}\\.[A-Za-z0-9_-]{8,1400})${END}`, 'g'),
    validate: isJwt,
  },
  {
    id: 'generic-secret',
    title: 'Secret assigned to a password, secret, token or key setting',
    severity: 'medium',
    keywords: ['password', 'passwd', 'secret', 'token', 'api_key', 'apikey', 'api-key', 'access_key', 'accesskey'],
    // The name starts the match (not the whole identifier before it) so the regex never backtracks over words.
    // The value is quoted, or bare up to a separator; shell and template references are allow-listed below.
    regex: /(?:password|passwd|secret|token|api[_-]?key|access[_-]?key)[A-Za-z0-9_.-]{0,30}["']?\s{0,4}(?::=|=>|=|:)\s{0,4}(?:"([^"\s]{12,200})"|'([^'\s]{12,200})'|([^\s"'`;,(){}[\]<>|&]{12,200}))/gi,
    minEntropy: GENERIC_MIN_ENTROPY,
    // Values without a digit or without a letter are words, identifiers and paths rather than generated secrets;
    // dotted names and URLs without credentials are code and configuration.
    allow: [/^[^0-9]*$/, /^[^A-Za-z]*$/, /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/, /^(?:https?|file):\/\/[^@]*$/i, /^\//, /^\$/],
    generic: true,
  },
];
