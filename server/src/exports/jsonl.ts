/**
 * Writing an export as it is made: one line (or chunk) at a time to a file, waiting for
 * the file to drain when the disk is slower than the store, so memory stays flat however
 * many debates there are.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

export class StreamedFile {
  private readonly out: WriteStream;
  /** Lines written so far. */
  lines = 0;

  constructor(path: string) {
    this.out = createWriteStream(path, { encoding: 'utf8' });
  }

  /** Writes a chunk, resolving once the stream can take more. */
  async write(chunk: string | Uint8Array): Promise<void> {
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  /** Writes one JSON Lines record. */
  async line(value: unknown): Promise<void> {
    this.lines++;
    await this.write(JSON.stringify(value) + '\n');
  }

  async close(): Promise<void> {
    this.out.end();
    await once(this.out, 'finish');
  }
}
