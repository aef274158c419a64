// Markdown output: heading, counts, one table row per finding worst first with links, KEV, EPSS and layers,
// suppressed findings folded away, and text that cannot break the table or turn into markup.
import { beforeAll, describe, expect, it } from 'vitest';
import { code, escapeText, renderFindingsMarkdown } from './findings-markdown.ts';
import type { FindingsReport } from './findings-report.ts';
import { SAMPLE_DATABASE, sampleFindingsReport } from './testdata/sample-findings.ts';

let report: FindingsReport;
let markdown: string;
let lines: string[];

/** A table row's cells, split where GitHub splits them: on every `|` not escaped with a backslash. */
const cells = (row: string) => row.replace(/^\|\s?|\s?\|$/g, '').split(/(?<!\\)\|/).map((c) => c.trim());
const rows = () => lines.filter((l) => l.startsWith('| ') && !l.startsWith('| Severity') && !l.startsWith('| ---'));

beforeAll(async () => {
  report = await sampleFindingsReport();
  markdown = renderFindingsMarkdown(report);
  lines = markdown.split('\n');
});

describe('renderFindingsMarkdown', () => {
  it('opens with the image, its digest, and the counts by severity and of suppressed findings', () => {
    expect(lines[0]).toBe('## Vulnerabilities in `docker.io/library/app:1.0`');
    expect(markdown).toContain(`Digest: \`sha256:${'d'.repeat(64)}\` · Sextant 0.1.0 · advisory database \`${SAMPLE_DATABASE}\``);
    expect(markdown).toContain('**9 vulnerabilities**: 1 critical, 5 high, 3 medium · 3 suppressed');
  });

  it('writes one row per finding, worst first, each with the nine columns', () => {
    expect(lines).toContain('| Severity | Vulnerability | Package | Installed | Fixed in | CVSS | KEV | EPSS | Layer |');
    expect(rows()).toHaveLength(report.findings.length);
    for (const row of rows()) expect(cells(row)).toHaveLength(9);
    expect(rows().map((r) => cells(r)[0])).toEqual(['critical', 'high', 'high', 'high', 'high', 'high', 'medium', 'medium', 'medium']);
    expect(cells(rows()[0] as string)).toEqual(['critical', '[CVE-2021-44906](https://nvd.nist.gov/vuln/detail/CVE-2021-44906) (+1)', '`minimist`', '`1.2.5`', '`1.2.6`', '9.8', 'yes (2024-01-02)', '1.23%', '1']);
  });

  it('shows the layer that introduced the package, and nothing where a finding has no layer, score or fix', () => {
    const row = (pkg: string, version: string, id: string) => rows().map(cells).find((c) => c[1]?.includes(`[${id}]`) && c[2] === `\`${pkg}\`` && c[3] === `\`${version}\``);
    expect(row('lodash', '4.17.19', 'CVE-2020-8203')?.[8]).toBe('0');
    expect(row('lodash', '4.17.15', 'CVE-2020-8203')?.[8]).toBe('1');
    expect(row('libssl3', '3.0.11-1~deb12u1', 'CVE-2023-5363')).toEqual(['high', '[CVE-2023-5363](https://nvd.nist.gov/vuln/detail/CVE-2023-5363) (+1)', '`libssl3`', '`3.0.11-1~deb12u1`', '`3.0.11-1~deb12u2`', '7.5', '', '', '0']);
    expect(row('axios', '0.21.0', 'CVE-2023-45857')?.slice(5)).toEqual(['', '', '', '']);
    const unfixed = renderFindingsMarkdown({ ...report, findings: report.findings.filter((f) => f.packageName === 'minimist').map((f) => ({ ...f, fixedIn: [] })), suppressed: [] });
    expect(unfixed).toContain('| `minimist` | `1.2.5` | not fixed |');
  });

  it('folds the suppressed findings into a details block, with their reasons escaped', () => {
    const start = lines.indexOf('<details>');
    expect(lines[start + 1]).toBe('<summary>3 suppressed</summary>');
    const items = lines.slice(start).filter((l) => l.startsWith('- '));
    expect(items).toEqual([
      '- [CVE-2021-23337](https://nvd.nist.gov/vuln/detail/CVE-2021-23337) (+1) in `lodash` `4.17.19`: VEX: not affected (vulnerable\\_code\\_not\\_in\\_execute\\_path): the tool never calls \\_.template \\[vex/app.openvex.json\\]',
      '- [CVE-2020-28168](https://nvd.nist.gov/vuln/detail/CVE-2020-28168) (+1) in `axios` `0.21.0`: ignored: SSRF needs a proxy \\| none is configured (until 2099-12-31) \\[.sextant-ignore.yaml\\]',
      '- [DEBIAN-CVE-2099-0001](https://osv.dev/vulnerability/DEBIAN-CVE-2099-0001) in `libssl3` `3.0.11-1~deb12u1`: VEX: fixed: patched in our build \\[vex/base.openvex.json\\]',
    ]);
    expect(lines.at(-2)).toBe('</details>');
  });

  it('says so when nothing was found, and leaves the table and details out', async () => {
    const clean = renderFindingsMarkdown({ ...(await sampleFindingsReport()), findings: [], suppressed: [] });
    expect(clean).toContain('**No vulnerabilities found**\n');
    expect(clean).not.toContain('| Severity');
    expect(clean).not.toContain('<details>');
  });

  it('escapes Markdown and HTML in text, and keeps code spans whole', () => {
    expect(escapeText('a | pipe, *stars*, <b>tags</b> & `ticks`\nnext')).toBe('a \\| pipe, \\*stars\\*, \\<b\\>tags\\</b\\> \\& \\`ticks\\` next');
    expect(escapeText('[x](javascript:alert) ~~gone~~ _em_ \\')).toBe('\\[x\\](javascript:alert) \\~\\~gone\\~\\~ \\_em\\_ \\\\');
    expect(code('@scope/pkg')).toBe('`@scope/pkg`');
    expect(code('a`b')).toBe('``a`b``');
    expect(code('`edge`')).toBe('`` `edge` ``');
    // In a table, GitHub splits cells before reading code spans: a pipe is escaped even there.
    expect(code('1.0|2.0', true)).toBe('`1.0\\|2.0`');
    expect(cells(`| ${code('1.0|2.0', true)} | b |`)).toEqual(['`1.0\\|2.0`', 'b']);
  });
});
