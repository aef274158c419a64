// Test support: write a file at a path under a temporary root, creating its directories.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Write `content` to `root/path`, creating the directories on the way. */
export async function putFile(root: string, path: string, content: string | Buffer): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), content);
}
