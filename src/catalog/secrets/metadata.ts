// Secrets in an image's configuration: environment variables, labels and the history's `created_by` lines.
import type { ImageMetadata } from '../../core/model.ts';
import type { SecretFinding } from '../../core/secret.ts';
import { DEFAULT_RULE_SET, lineAt, type RuleSet, scanText } from './scanner.ts';

/**
 * Every secret in the environment, labels and history of an image. Variables and labels are scanned as
 * `NAME=value`, so the name gives the assignment context generic rules need (`DB_PASSWORD=…`) and a secret in a
 * name is found too. A history line repeats what a Dockerfile's ENV, ARG or RUN said, so a secret set with ENV is
 * reported both as the variable and as the history entry that set it.
 */
export function scanMetadata(metadata: Pick<ImageMetadata, 'env' | 'labels' | 'history'>, rules: RuleSet = DEFAULT_RULE_SET): SecretFinding[] {
  const out: SecretFinding[] = [];
  for (const { name, value } of metadata.env) {
    for (const m of scanText(`${name}=${value}`, rules)) out.push({ rule: m.rule, severity: m.severity, title: m.title, location: { env: name }, preview: m.preview });
  }
  for (const [key, value] of Object.entries(metadata.labels)) {
    for (const m of scanText(`${key}=${value}`, rules)) out.push({ rule: m.rule, severity: m.severity, title: m.title, location: { label: key }, preview: m.preview });
  }
  metadata.history.forEach((h, index) => {
    const text = h.createdBy;
    if (!text) return;
    for (const m of scanText(text, rules)) {
      // Heredocs in RUN lines make multi-line history entries: the line helps find the secret in them.
      out.push({ rule: m.rule, severity: m.severity, title: m.title, location: { history: index }, line: lineAt(text, m.start), preview: m.preview });
    }
  });
  return out;
}
