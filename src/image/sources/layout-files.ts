// LayoutFiles: named files of an image layout, from a directory or from inside an archive, read by name.
import type { Readable } from 'node:stream';
import type { FileRange } from '../file-range-digest.ts';

/** Read access to the files of an OCI layout or `docker save` archive, wherever they are kept. */
export interface LayoutFiles {
  /** The path the user gave, for messages. */
  readonly label: string;
  /** Size of the named file, or undefined when it does not exist. */
  size(name: string): Promise<number | undefined>;
  /** The whole named file, or undefined when it does not exist. Callers check the size first. */
  read(name: string): Promise<Buffer | undefined>;
  /** A stream of the named file, which must exist. */
  open(name: string): Readable;
  /** Where the named file's bytes lie on local disk, or undefined when it does not exist. */
  range(name: string): FileRange | undefined;
  close(): Promise<void>;
}
