// SextantError: the one error type Sextant throws on purpose, with a stable machine-readable code.

/** Stable error codes. The CLI maps every one of them to a one-line message and exit code 2. */
export type ErrorCode =
  | 'NOT_FOUND' // a file, directory, blob, tag or platform that does not exist
  | 'NOT_AN_IMAGE' // the input exists but is not an image of the kind named
  | 'CORRUPT' // truncated or malformed tar, gzip, zstd or JSON
  | 'DIGEST_MISMATCH' // content does not hash to the digest that names it
  | 'UNSUPPORTED' // a media type, compression or schema Sextant does not read
  | 'UNKNOWN_PLATFORM' // no image in an index matches the requested platform
  | 'UNSAFE_PATH' // an entry name climbs out of the image root
  | 'LIMIT_EXCEEDED' // a size, count or ratio limit was hit (decompression bombs, absurd sizes)
  | 'SYMLINK_LOOP' // symlink resolution did not terminate
  | 'AUTH_FAILED' // 401 from a registry or its token service
  | 'FORBIDDEN' // 403 from a registry
  | 'NETWORK' // connection refused, DNS failure, TLS failure
  | 'REGISTRY' // any other unexpected registry answer
  | 'BAD_REFERENCE' // an image reference that cannot be parsed
  | 'STORE' // the advisory store cannot be opened, migrated or written
  | 'USAGE'; // wrong command-line usage

/** An expected failure with a stable `code`, a one-line message, and the native `cause` when there is one. */
export class SextantError extends Error {
  override readonly name = 'SextantError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** True when `err` is a SextantError, optionally with the given code. */
export function isSextantError(err: unknown, code?: ErrorCode): err is SextantError {
  return err instanceof SextantError && (code === undefined || err.code === code);
}
