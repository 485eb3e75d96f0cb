import type { WriteStream } from 'node:fs';

/** Writes text to a file stream, waiting for it to drain when its buffer is full (constant memory). */
export function writeTo(out: WriteStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (out.write(text)) return resolve();
    const done = (error?: Error) => {
      out.off('drain', done);
      out.off('error', done);
      if (error) reject(error);
      else resolve();
    };
    out.once('drain', done);
    out.once('error', done);
  });
}
