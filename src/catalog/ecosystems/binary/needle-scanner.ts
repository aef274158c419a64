// A streaming search for byte patterns that need a little lookahead to confirm: bounded memory, native indexOf.

const EMPTY = Buffer.alloc(0);

/** Decides whether a needle found at `at` in `view` (absolute stream offset `abs`) starts what the caller wants. */
export type CandidateCheck = (view: Buffer, at: number, abs: number, final: boolean) => boolean;

/** An accepted candidate: the stream's bytes from its start (within what was fed so far) and its offset. */
export interface Accepted {
  rest: Buffer;
  offset: number;
}

/**
 * Finds the first occurrence of any needle that `check` accepts, in a stream fed chunk by chunk. A candidate is
 * checked once `window` bytes from its start are available (or at `finish`, with what is left), so checks never
 * see a pattern cut by a chunk boundary. Memory: under `window` bytes carried between chunks, whatever the file.
 */
export class NeedleScanner {
  private tail: Buffer = EMPTY;
  private tailOffset: number;
  private readonly needles: readonly Buffer[];
  private readonly window: number;
  private readonly check: CandidateCheck;

  constructor(needles: readonly Buffer[], window: number, check: CandidateCheck, startOffset = 0) {
    this.needles = needles;
    this.window = Math.max(window, ...needles.map((n) => n.length));
    this.check = check;
    this.tailOffset = startOffset;
  }

  /** Feed the next chunk; the accepted candidate, if one is found. */
  push(chunk: Buffer): Accepted | null {
    const w = this.window;
    if (this.tail.length === 0 || chunk.length < w) {
      // Small pieces: join them (at most window + chunk bytes) and scan as one view.
      const view = this.tail.length === 0 ? chunk : Buffer.concat([this.tail, chunk]);
      return this.scanView(view, this.tailOffset, view.length - w, false);
    }
    // Large chunk after a carried tail: only starts inside the tail need the join; the chunk is scanned in place,
    // so its bytes are never copied.
    const start = this.tailOffset;
    const junction = Buffer.concat([this.tail, chunk.subarray(0, w)]);
    const tailLen = this.tail.length;
    for (const at of this.positions(junction, 0, tailLen - 1)) {
      if (this.check(junction, at, start + at, false)) return { rest: Buffer.concat([this.tail.subarray(at), chunk]), offset: start + at };
    }
    return this.scanView(chunk, start + tailLen, chunk.length - w, false);
  }

  /** The stream ended: check the candidates that had less than a window of bytes after them. */
  finish(): Accepted | null {
    const view = this.tail;
    this.tail = EMPTY;
    return this.scanView(view, this.tailOffset, view.length - 1, true);
  }

  /** Check candidates starting at 0..last of `view`, in order; carry the unchecked rest as the new tail. */
  private scanView(view: Buffer, viewOffset: number, last: number, final: boolean): Accepted | null {
    for (const at of this.positions(view, 0, last)) {
      if (this.check(view, at, viewOffset + at, final)) return { rest: view.subarray(at), offset: viewOffset + at };
    }
    const keep = Math.max(0, last + 1);
    this.tail = keep >= view.length ? EMPTY : Buffer.from(view.subarray(keep));
    this.tailOffset = viewOffset + keep;
    return null;
  }

  /** Sorted start positions in [from, last] of every needle in `view`. */
  private positions(view: Buffer, from: number, last: number): number[] {
    if (last < from) return [];
    const found: number[] = [];
    for (const needle of this.needles) {
      for (let i = view.indexOf(needle, from); i !== -1 && i <= last; i = view.indexOf(needle, i + 1)) found.push(i);
    }
    return this.needles.length > 1 ? found.sort((a, b) => a - b) : found;
  }
}
