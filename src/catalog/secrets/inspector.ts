// The secret file inspector: picks the text files worth scanning and scans them as they stream past, block by
// block with an overlap, so no file is held whole and secrets split across chunks are still found.
import type { FileInspector, InspectorFactory } from '../../layerfs/types.ts';
import { DEFAULT_RULE_SET, lineAt, type RuleSet, scanText } from './scanner.ts';

/** Largest file scanned (1 MiB): configuration, scripts and source files fit; bigger files are data or bundles. */
export const MAX_SECRET_FILE_BYTES = 2 ** 20;
/** Text scanned at once: chunks from the walk are gathered up to this much, so each rule runs on long stretches. */
const BLOCK_CHARS = 256 * 1024;
/**
 * Text carried from one block into the next, so a secret cut by a block boundary is whole in the next block.
 * Every rule's match is shorter than this (a JWT is capped at 4400 characters, a PEM match at the first base64 line).
 */
export const OVERLAP_CHARS = 8 * 1024;
/** The first bytes of a file looked at for a NUL: text files have none, nearly every binary format has some. */
const SNIFF_BYTES = 8 * 1024;

/**
 * Trees that hold no secrets worth a scan, kept conservative: documentation, translations, manuals, time zones,
 * and the CA certificate stores (certificates are public; a private key there would be odd, and the bundles are
 * big). Application trees, test fixtures included, are scanned: a key in a test folder of an image is still shipped.
 */
const SKIPPED_DIRS = [
  '/usr/share/doc/',
  '/usr/share/man/',
  '/usr/share/info/',
  '/usr/share/locale/',
  '/usr/share/i18n/',
  '/usr/share/zoneinfo/',
  '/usr/share/mime/',
  '/usr/share/icons/',
  '/etc/ssl/certs/',
  '/usr/share/ca-certificates/',
  '/etc/ca-certificates/',
  '/etc/pki/ca-trust/',
  '/etc/pki/tls/certs/',
  '/usr/local/share/ca-certificates/',
  '/var/lib/ca-certificates/',
  '/proc/',
  '/sys/',
  '/dev/',
];
/** Files whose name says they are binary, compiled or compressed: skipped without reading a byte. */
const BINARY_EXTENSION =
  /\.(?:so(?:\.[\d.]+)?|a|o|pyc|pyo|class|jar|war|ear|zip|gz|tgz|bz2|xz|zst|7z|png|jpe?g|gif|ico|bmp|webp|svgz|woff2?|ttf|otf|mo|db|sqlite|wasm|node|pdf|mp3|mp4)$/;

/** Whether a file at `path` of `size` bytes is one the secret scanner reads. */
export function isScannable(path: string, size: number): boolean {
  if (size === 0 || size > MAX_SECRET_FILE_BYTES) return false;
  if (BINARY_EXTENSION.test(path)) return false;
  for (const dir of SKIPPED_DIRS) if (path.startsWith(dir)) return false;
  return true;
}

/** What the secret inspector keeps of one file: its findings, redacted, with 1-based line numbers. */
export interface FileSecret {
  rule: string;
  severity: 'critical' | 'high' | 'medium' | 'low';
  title: string;
  line: number;
  preview: string;
}

/** The inspector factory of secret scanning: scannable text files get a streaming scanner. */
export const secretInspector: InspectorFactory = (path, size) => (isScannable(path, size) ? new SecretFileScanner(DEFAULT_RULE_SET) : null);

/**
 * Scans one file's text as it arrives. Bytes are read as latin1 (one character per byte, never a decoding
 * error) since every rule's secrets are ASCII. Text is scanned in blocks of BLOCK_CHARS; each block starts with the
 * last OVERLAP_CHARS of the one before, and a match starting there is kept only if the previous block had not
 * already reported it.
 */
export class SecretFileScanner implements FileInspector {
  private readonly rules: RuleSet;
  private pending: string[] = [];
  private pendingChars = 0;
  /** Text of the previous block carried over. */
  private carry = '';
  /** Offset in the file of the first character of `carry`, and the line it starts on. */
  private base = 0;
  private baseLine = 1;
  /** Start offsets (in the file) of findings already reported, per rule, from the previous block's overlap. */
  private seen = new Set<string>();
  private binary = false;
  /** Bytes of the file's start looked at for a NUL so far. */
  private sniffed = 0;
  private readonly findings: FileSecret[] = [];

  constructor(rules: RuleSet) {
    this.rules = rules;
  }

  write(chunk: Buffer): void {
    if (this.binary) return;
    // The sniff spans chunks, however small the first ones are; nothing is scanned before it is over, since a
    // block (256 KiB) is far longer than the sniff (8 KiB).
    if (this.sniffed < SNIFF_BYTES) {
      const head = chunk.subarray(0, SNIFF_BYTES - this.sniffed);
      this.sniffed += head.length;
      if (head.includes(0)) {
        this.binary = true;
        this.pending = [];
        this.pendingChars = 0;
        return;
      }
    }
    // Decoding copies: the walk reuses its buffers, so nothing of `chunk` may be kept.
    this.pending.push(chunk.toString('latin1'));
    this.pendingChars += chunk.length;
    if (this.pendingChars >= BLOCK_CHARS) this.scanPending();
  }

  end(): FileSecret[] | undefined {
    if (!this.binary && this.pendingChars > 0) this.scanPending();
    return this.findings.length > 0 ? this.findings : undefined;
  }

  private scanPending(): void {
    const text = this.carry + this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    const seen = new Set<string>();
    let line = this.baseLine;
    let lineFrom = 0;
    for (const m of scanText(text, this.rules)) {
      const key = `${m.rule}@${this.base + m.start}`;
      seen.add(key);
      if (m.start < this.carry.length && this.seen.has(key)) continue;
      line = lineAt(text, m.start, lineFrom, line);
      lineFrom = m.start;
      this.findings.push({ rule: m.rule, severity: m.severity, title: m.title, line, preview: m.preview });
    }
    // Only matches in the new carry can be seen again.
    const keep = Math.max(0, text.length - OVERLAP_CHARS);
    this.seen = new Set([...seen].filter((k) => Number(k.slice(k.lastIndexOf('@') + 1)) >= this.base + keep));
    this.baseLine = lineAt(text, keep, 0, this.baseLine);
    this.base += keep;
    this.carry = text.slice(keep);
  }
}
