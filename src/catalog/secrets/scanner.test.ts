import { describe, expect, it } from 'vitest';
import { SECRET_RULES } from './rules.ts';
import { redact, scanText, shannonEntropy } from './scanner.ts';
import { fakeChars, fakeSecrets } from './testing.ts';

const s = fakeSecrets();

/** The rule ids found in `text`. */
const rulesIn = (text: string): string[] => scanText(text).map((m) => m.rule);

describe('secret rules', () => {
  // Each rule: texts it must report, and near misses it must not.
  const cases: Record<string, { positive: string[]; negative: string[] }> = {
    'aws-access-key-id': {
      positive: [`aws_access_key_id = ${s.awsKeyId}`, `key: "${s.awsKeyId}"`, `${['AS', 'IA'].join('')}${fakeChars(16, 7, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`],
      negative: [`aws_access_key_id = ${['AKIA', 'IOSFODNN7', 'EXAMPLE'].join('')}`, `${s.awsKeyId}X`, `id=${s.awsKeyId.toLowerCase()}`, 'Asia/Tokyo'],
    },
    'aws-secret-access-key': {
      positive: [`aws_secret_access_key = ${s.awsSecret}`, `AWS_SECRET_ACCESS_KEY="${s.awsSecret}"`, `"SecretAccessKey": "${s.awsSecret}"`],
      negative: [`aws_secret_access_key = ${['wJalrXUtnFEMI/K7MDENG/bPxRfiCY', 'EXAMPLE', 'KEY'].join('')}`, `checksum = ${s.awsSecret}`, `aws_secret_access_key = ${'A'.repeat(40)}`],
    },
    'github-token': {
      positive: [`token=${['ghp', '_'].join('')}${'a'.repeat(36)}`, `export GH=${s.github}`, ['gh', 's_', fakeChars(36, 3)].join('')],
      negative: [['gh', 'p_', fakeChars(20, 3)].join(''), ['gh', 'x_', fakeChars(36, 3)].join(''), ['gh', 'p_', 'x'.repeat(36)].join('')],
    },
    'github-fine-grained-token': {
      positive: [`GITHUB_TOKEN=${s.githubFine}`],
      negative: [['github', '_pat_', fakeChars(22, 1)].join('')],
    },
    'gitlab-token': {
      positive: [`private_token: ${s.gitlab}`, ['gl', 'rt-', fakeChars(20, 9)].join('')],
      negative: [['gl', 'pat-', fakeChars(10, 9)].join(''), ['gl', 'xyz-', fakeChars(20, 9)].join('')],
    },
    'slack-token': {
      positive: [`SLACK_BOT=${s.slack}`, ['xo', 'xp-', '1234-5678-', fakeChars(32, 4)].join('')],
      negative: [['xo', 'xz-', '1234-', fakeChars(32, 4)].join(''), ['xo', 'xb-', 'abc-', fakeChars(32, 4)].join('')],
    },
    'slack-webhook': {
      positive: [`url: ${s.slackWebhook}`],
      negative: ['https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX', 'see https://hooks.slack.com/services for details'],
    },
    'stripe-live-key': {
      positive: [`STRIPE_KEY=${s.stripeLive}`, ['rk', '_live_', fakeChars(30, 5)].join('')],
      negative: [['sk', '_live_', fakeChars(10, 5)].join(''), ['pk', '_live_', fakeChars(30, 5)].join('')],
    },
    'stripe-test-key': {
      positive: [`stripe.api_key = "${s.stripeTest}"`],
      negative: [['pk', '_test_', fakeChars(30, 5)].join('')],
    },
    'google-api-key': {
      positive: [`key=${s.google}`, `"apiKey": "${s.google}"`],
      negative: [['AI', 'za', fakeChars(20, 6)].join(''), ['AI', 'zb', fakeChars(35, 6)].join('')],
    },
    'private-key': {
      positive: [s.pem as string, (s.pem as string).replace(/RSA /g, 'OPENSSH '), (s.pem as string).replace(/RSA /g, 'EC '), (s.pem as string).replace(/RSA /g, ''),
        (s.pem as string).replace(/RSA /g, 'ENCRYPTED '), (s.pem as string).replace(/RSA /g, 'DSA '),
        (s.pem as string).replace(/RSA PRIVATE KEY-----\n/, 'RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0011\n\n'),
        [`-----BEGIN PGP ${'PRIVATE'} KEY BLOCK-----`, 'Version: GnuPG v2', '', fakeChars(64, 30, `${'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'}+/`)].join('\n')],
      negative: [`if (line == "-----BEGIN RSA ${'PRIVATE'} KEY-----") {`, ['-----BEGIN CERTIFICATE-----', fakeChars(64, 31), '-----END CERTIFICATE-----'].join('\n'),
        ['-----BEGIN PUBLIC KEY-----', fakeChars(64, 32)].join('\n')],
    },
    jwt: {
      positive: [`Authorization: Bearer ${s.jwt}`],
      negative: [
        // Three base64url parts whose header is JSON but names no algorithm, and one whose header is not JSON.
        [Buffer.from('{"typ":"JWT","x":1}').toString('base64url'), Buffer.from('{"sub":"1234567"}').toString('base64url'), fakeChars(30, 8)].join('.'),
        ['eyJ', fakeChars(20, 9), '.eyJ', fakeChars(20, 10), '.', fakeChars(20, 11)].join(''),
      ],
    },
    'generic-secret': {
      positive: [`password=${s.password}`, `DB_PASSWORD: "${s.password}"`, `client_secret => '${s.password}'`, `"api_key": "${s.password}"`, `auth_token := ${s.password}`],
      negative: [
        'password=hunter2',
        `password=${'changeme'}1234567`,
        'password = ${DB_PASSWORD_FROM_ENVIRONMENT}',
        'token = self.request.headers.authorization',
        'password=aaaaaaaaaaaaaaaa1',
        'secret_file = /run/secrets/db_password_2',
        'token: <your-token-here-12345>',
        'password: correcthorsebatterystaple',
        `api_key = ${'x'.repeat(24)}`,
      ],
    },
  };

  it('has cases for every rule', () => {
    expect(Object.keys(cases).sort()).toEqual(SECRET_RULES.map((r) => r.id).sort());
  });

  for (const [rule, { positive, negative }] of Object.entries(cases)) {
    it(`${rule}: reports what it should`, () => {
      for (const text of positive) expect(rulesIn(text), text.slice(0, 60)).toEqual([rule]);
    });
    it(`${rule}: ignores near misses`, () => {
      for (const text of negative) expect(rulesIn(text), text.slice(0, 60)).not.toContain(rule);
    });
  }

  it('rules are cheap: every regex is global and every keyword lower case', () => {
    for (const r of SECRET_RULES) {
      expect(r.regex.flags).toContain('g');
      for (const k of r.keywords) expect(k).toBe(k.toLowerCase());
    }
  });

  it('runs a rule only on text holding one of its keywords (case-insensitively)', () => {
    expect(rulesIn(`PASSWORD=${s.password}`)).toEqual(['generic-secret']);
    // The AWS key id is found whatever case its keyword prefilter saw.
    expect(rulesIn(`x ${s.awsKeyId} x`)).toEqual(['aws-access-key-id']);
  });

  it('reports a specific token once, not also as a generic assignment', () => {
    expect(rulesIn(`token=${s.github}`)).toEqual(['github-token']);
    expect(rulesIn(`aws_secret_access_key=${s.awsSecret}`)).toEqual(['aws-secret-access-key']);
  });
});

describe('redaction and entropy', () => {
  it('previews show 4 characters and never the secret', () => {
    const all = Object.values(s).join('\n');
    const matches = scanText(`password=${s.password}\n${all}`);
    expect(matches.length).toBeGreaterThanOrEqual(12);
    for (const m of matches) {
      expect(m.preview).toMatch(/^.{4}\*{5}$/s);
      for (const secret of Object.values(s)) expect(m.preview).not.toContain(secret.slice(0, 12));
    }
    expect(redact(s.github as string)).toBe('ghp_*****');
  });

  it('computes Shannon entropy in bits per character', () => {
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBe(2);
    expect(shannonEntropy(fakeChars(64, 5))).toBeGreaterThan(4.5);
  });

  it('gives offsets of the secret, not of its name', () => {
    const text = `x\npassword = "${s.password}"`;
    const [m] = scanText(text);
    expect(text.slice(m?.start, m?.end)).toBe(s.password);
  });
});
