// Fake secrets for tests, built at run time from a seeded generator so the repository holds no string that a
// secret scanner (ours or anyone's) would take for a live credential.

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `n` pseudo-random characters from `alphabet` (alphanumerics by default), the same for the same seed. */
export function fakeChars(n: number, seed = 1, alphabet = ALNUM): string {
  // mulberry32: tiny, and random enough for every character class to show up.
  let a = seed >>> 0;
  let out = '';
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out += alphabet[((t ^ (t >>> 14)) >>> 0) % alphabet.length];
  }
  return out;
}

/** Fake secrets of every kind the rules know, each assembled from pieces. */
export function fakeSecrets(seed = 1) {
  const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const b64 = `${ALNUM}+/`;
  const b64url = `${ALNUM}-_`;
  const jwtHeader = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const jwtPayload = Buffer.from(JSON.stringify({ sub: fakeChars(10, seed), iat: 1700000000 })).toString('base64url');
  return {
    awsKeyId: ['AK', 'IA', fakeChars(16, seed, upper)].join(''),
    awsSecret: fakeChars(40, seed + 1, b64),
    github: ['gh', 'p_', fakeChars(36, seed + 2)].join(''),
    githubFine: ['github', '_pat_', fakeChars(22, seed + 3), '_', fakeChars(59, seed + 4)].join(''),
    gitlab: ['gl', 'pat-', fakeChars(20, seed + 5, b64url)].join(''),
    slack: ['xo', 'xb-', '1234567890', '-', '9876543210', '-', fakeChars(24, seed + 6)].join(''),
    slackWebhook: ['https://hooks.', 'slack.com/services/', 'T', fakeChars(8, seed + 7, upper), '/B', fakeChars(8, seed + 8, upper), '/', fakeChars(24, seed + 9)].join(''),
    stripeLive: ['sk', '_live_', fakeChars(24, seed + 10)].join(''),
    stripeTest: ['sk', '_test_', fakeChars(24, seed + 11)].join(''),
    google: ['AI', 'za', fakeChars(35, seed + 12, b64url)].join(''),
    pem: [`-----BEGIN RSA ${'PRIVATE'} KEY-----`, ...Array.from({ length: 5 }, (_, i) => fakeChars(64, seed + 13 + i, b64)), `-----END RSA ${'PRIVATE'} KEY-----`, ''].join('\n'),
    jwt: [jwtHeader, jwtPayload, fakeChars(43, seed + 20, b64url)].join('.'),
    password: `${fakeChars(18, seed + 21, `${ALNUM}!#%+`)}7q`,
  };
}
