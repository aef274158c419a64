// The KEV parser on CISA's real catalogue (../shared/vectors/kev), and on malformed copies of it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseKev } from './kev.ts';

const file = fileURLToPath(new URL('../../../../../shared/vectors/kev/known_exploited_vulnerabilities.json', import.meta.url));
const text = readFileSync(file, 'utf8');
const raw = JSON.parse(text) as { count: number; vulnerabilities: Record<string, unknown>[] };

describe('parseKev', () => {
  it('maps every entry of the real catalogue', () => {
    const kev = parseKev(text, file);
    expect(kev.catalogVersion).toBe('2025.08.25');
    expect(kev.entries).toHaveLength(raw.count);
    expect(kev.entries.filter((e) => e.knownRansomware)).toHaveLength(raw.vulnerabilities.filter((v) => v.knownRansomwareCampaignUse === 'Known').length);
    expect(kev.entries.find((e) => e.cve === 'CVE-2025-48384')).toEqual({
      cve: 'CVE-2025-48384',
      vendorProject: 'Git',
      product: 'Git',
      vulnerabilityName: 'Git Link Following Vulnerability',
      dateAdded: '2025-08-25',
      dueDate: '2025-09-15',
      requiredAction: expect.stringMatching(/^Apply mitigations per vendor instructions/),
      knownRansomware: false,
    });
    expect(kev.entries.find((e) => e.cve === 'CVE-2025-49704')?.knownRansomware).toBe(true);
  });

  it('rejects malformed catalogues in one line naming the origin', () => {
    const variant = (change: (v: Record<string, unknown>) => void) => {
      const copy = structuredClone(raw);
      change(copy.vulnerabilities[3] as Record<string, unknown>);
      return JSON.stringify(copy);
    };
    const cases: [string, RegExp][] = [
      ['{"vulnerabilities": [', /^kev\.json: not a KEV catalogue: malformed JSON/],
      ['[]', /^kev\.json: not a KEV catalogue: expected a JSON object$/],
      ['{"title": "x"}', /^kev\.json: not a KEV catalogue: no "vulnerabilities" list$/],
      [variant((v) => (v.cveID = 'CVE-25-1')), /^kev\.json: not a KEV catalogue: vulnerabilities\[3\] has a malformed cveID "CVE-25-1"$/],
      [variant((v) => delete v.product), /^kev\.json: not a KEV catalogue: vulnerabilities\[3\] has no "product"$/],
      [variant((v) => (v.dateAdded = '25 Aug 2025')), /has a malformed dateAdded "25 Aug 2025"$/],
      [variant((v) => (v.dueDate = 12)), /has a malformed dueDate$/],
    ];
    for (const [input, message] of cases) expect(() => parseKev(input, 'kev.json')).toThrow(expect.objectContaining({ code: 'CORRUPT', message: expect.stringMatching(message) }));
    // A missing dueDate is allowed (the type says so); the entry keeps null.
    expect(parseKev(variant((v) => delete v.dueDate), 'kev.json').entries[3]?.dueDate).toBeNull();
  });
});
