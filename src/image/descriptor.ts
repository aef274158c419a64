// Validation of OCI descriptors read from untrusted manifests: digest syntax and sane sizes.
import { createHash } from 'node:crypto';
import type { Descriptor, Platform } from '../core/model.ts';
import { SextantError } from '../core/errors.ts';
import { obj, str, stringMap, strArray } from './json.ts';

/** sha256 and sha512 digests as the OCI spec registers them. */
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** Largest blob size Sextant accepts in a descriptor (1 TiB): anything bigger is corrupt or hostile. */
export const MAX_DESCRIPTOR_SIZE = 2 ** 40;

/** True for a well-formed sha256/sha512 digest. */
export function isDigest(s: string): boolean {
  return DIGEST.test(s);
}

/** Read and validate a descriptor from parsed JSON; CORRUPT or LIMIT_EXCEEDED naming `where`. */
export function parseDescriptor(v: unknown, where: string): Descriptor {
  const o = obj(v);
  const mediaType = str(o?.mediaType);
  const digest = str(o?.digest);
  const size = o?.size;
  if (!o || mediaType === null || digest === null || typeof size !== 'number') {
    throw new SextantError('CORRUPT', `${where}: descriptor lacks mediaType, digest or size`);
  }
  if (!isDigest(digest)) throw new SextantError('CORRUPT', `${where}: invalid digest "${digest.slice(0, 80)}"`);
  if (size > MAX_DESCRIPTOR_SIZE) {
    throw new SextantError('LIMIT_EXCEEDED', `${where}: blob ${digest} claims an absurd size (${size} bytes)`);
  }
  if (!Number.isSafeInteger(size) || size < 0) throw new SextantError('CORRUPT', `${where}: invalid size ${size} for ${digest}`);
  const d: Descriptor = { mediaType, digest, size };
  const p = obj(o.platform);
  if (p && typeof p.os === 'string' && typeof p.architecture === 'string') {
    const platform: Platform = { os: p.os, architecture: p.architecture };
    if (typeof p.variant === 'string' && p.variant) platform.variant = p.variant;
    if (typeof p['os.version'] === 'string') platform['os.version'] = p['os.version'];
    d.platform = platform;
  }
  if (o.annotations) d.annotations = stringMap(o.annotations);
  const urls = strArray(o.urls);
  if (urls) d.urls = urls;
  return d;
}

/** `sha256:<hex>` of some bytes. */
export function sha256Digest(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
