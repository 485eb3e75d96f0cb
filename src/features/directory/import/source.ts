import { createReadStream, type ReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { getManyValues, none, type Many } from 'stream-chain/defs.js';
import Assembler from 'stream-json/assembler.js';
import { jsonParser } from 'stream-json/core/parser.js';
import { isObject, type Json } from './fields.js';

/** One service as it came out of a file, or a part of the file that could not be read as one. */
export type SourceItem =
  | { kind: 'record'; value: Json; position: string; envelope: EnvelopeFormat | null }
  | { kind: 'problem'; position: string; reason: string };

/** `contents` is the ORUK 3.0 page envelope; `content` the ORUK v1 (Spring-style) one. */
export type EnvelopeFormat = 'oruk3' | 'oruk1';

export type Layout = 'json' | 'ndjson';

export class SourceFileProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceFileProblem';
  }
}

/**
 * Whether a file is one JSON document (an array of services, a page envelope, or one service) or
 * newline-delimited JSON (one service per line). `.ndjson`/`.jsonl` say so; otherwise a file whose
 * first line is a complete JSON object on its own is ndjson.
 */
export async function sniffLayout(file: string): Promise<Layout> {
  if (/\.(ndjson|jsonl)$/i.test(file)) return 'ndjson';
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const head = buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
    const start = head.search(/\S/);
    if (start < 0 || head[start] !== '{') return 'json';
    const newline = head.indexOf('\n', start);
    if (newline < 0) return 'json';
    try {
      return isObject(JSON.parse(head.slice(start, newline))) ? 'ndjson' : 'json';
    } catch {
      return 'json';
    }
  } finally {
    await handle.close();
  }
}

/**
 * Streams the services in a file with memory for one service at a time (stream-json's tokenizer,
 * then an assembler per service), or one line at a time for ndjson, where a line that is not JSON is
 * reported and the next line read. `onBytes` hears how far into the file the reading is.
 */
export async function* readServices(file: string, layout: Layout, onBytes: (bytes: number) => void): AsyncGenerator<SourceItem> {
  // 256 KiB reads: the tokenizer is faster on large chunks than on the default 64 KiB, while the
  // progress (bytes read) still moves smoothly; memory stays constant either way.
  const input = createReadStream(file, { highWaterMark: 1 << 18 });
  input.on('data', () => onBytes(input.bytesRead));
  try {
    if (layout === 'ndjson') yield* readLines(input);
    else yield* readDocument(input);
  } finally {
    input.destroy();
  }
}

async function* readLines(input: ReadStream): AsyncGenerator<SourceItem> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let number = 0;
  for await (const raw of lines) {
    number++;
    const line = number === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (!line.trim()) continue;
    let value: Json;
    try {
      value = JSON.parse(line) as Json;
    } catch (error) {
      yield { kind: 'problem', position: `line ${number}`, reason: `not valid JSON (${(error as Error).message})` };
      continue;
    }
    yield* unwrap(value, `line ${number}`);
  }
}

/** A whole value from one line: a service, a list of them, or a page envelope. */
function* unwrap(value: Json, position: string): Generator<SourceItem> {
  if (Array.isArray(value)) {
    let index = 0;
    for (const item of value) yield { kind: 'record', value: item, position: `${position}, item ${++index}`, envelope: null };
    return;
  }
  if (isObject(value)) {
    for (const [key, format] of [['contents', 'oruk3'], ['content', 'oruk1']] as const) {
      const items = value[key];
      if (Array.isArray(items)) {
        let index = 0;
        for (const item of items) yield { kind: 'record', value: item, position: `${position}, item ${++index}`, envelope: format };
        return;
      }
    }
  }
  yield { kind: 'record', value, position, envelope: null };
}

type Token = { name: string; value?: unknown };
type Level = 'top' | 'array' | 'object' | 'items';

/**
 * Turns the token stream of one JSON document (or several, concatenated) into services: the items of
 * a top-level array, the items of an envelope's `contents`/`content`, or a top-level object itself.
 * Tokens are handled synchronously, one value assembled at a time (stream-json's Assembler).
 */
class DocumentReader {
  private level: Level = 'top';
  private key: string | null = null;
  private envelope: Record<string, Json> = {};
  private itemsFormat: EnvelopeFormat | null = null;
  private sawItems = false;
  private topIndex = 0;
  private itemIndex = 0;
  private active: { asm: Assembler; target: 'record' | 'envelope' } | null = null;

  push(token: Token): SourceItem | null {
    if (this.active) {
      this.active.asm.consume(token as never);
      return this.active.asm.done ? this.complete() : null;
    }
    const starts = token.name === 'startObject' || token.name === 'startArray' || token.name.endsWith('Value');
    switch (this.level) {
      case 'top':
        this.topIndex++;
        if (token.name === 'startArray') this.level = 'array';
        else if (token.name === 'startObject') {
          this.level = 'object';
          this.envelope = {};
          this.sawItems = false;
        } else if (starts) return { kind: 'problem', position: `value ${this.topIndex}`, reason: 'not a service (a JSON object) nor a list of them' };
        return null;
      case 'array':
      case 'items':
        if (token.name === 'endArray') this.level = this.level === 'array' ? 'top' : 'object';
        else if (starts) return this.begin(token, 'record');
        return null;
      case 'object':
        if (token.name === 'keyValue') this.key = String(token.value);
        else if (token.name === 'endObject') {
          this.level = 'top';
          const envelope = this.envelope;
          this.envelope = {};
          if (!this.sawItems) {
            this.itemIndex++;
            return { kind: 'record', value: envelope, position: this.topIndex > 1 ? `value ${this.topIndex}` : 'the service', envelope: null };
          }
        } else if (token.name === 'startArray' && (this.key === 'contents' || this.key === 'content')) {
          this.level = 'items';
          this.itemsFormat = this.key === 'contents' ? 'oruk3' : 'oruk1';
          this.sawItems = true;
          this.key = null;
        } else if (starts) return this.begin(token, 'envelope');
        return null;
    }
  }

  private begin(token: Token, target: 'record' | 'envelope'): SourceItem | null {
    const asm = new Assembler();
    asm.consume(token as never);
    this.active = { asm, target };
    // A value of one token (a string, a number) is complete at once.
    return asm.done ? this.complete() : null;
  }

  private complete(): SourceItem | null {
    const { asm, target } = this.active!;
    this.active = null;
    const value = asm.current as Json;
    if (target === 'envelope') {
      this.envelope[this.key!] = value;
      this.key = null;
      return null;
    }
    this.itemIndex++;
    const position = this.level === 'items' || this.level === 'array' ? `item ${this.itemIndex}` : `value ${this.topIndex}`;
    return { kind: 'record', value, position, envelope: this.level === 'items' ? this.itemsFormat : null };
  }
}

async function* readDocument(input: ReadStream): AsyncGenerator<SourceItem> {
  // stream-json's synchronous tokenizer: packed tokens only (whole keys, strings and numbers), and
  // several top-level values allowed. The file is decoded as UTF-8 by the stream, so a character
  // split across two chunks arrives whole.
  const tokenize = jsonParser({ jsonStreaming: true, streamValues: false });
  const reader = new DocumentReader();
  input.setEncoding('utf8');
  let first = true;
  const items: SourceItem[] = [];
  const feed = (chunk: string | typeof none) => {
    let out;
    try {
      out = tokenize(chunk as string); // `none` flushes (the tokenizer is a stream-chain flushable)
    } catch (error) {
      throw new SourceFileProblem(`not valid JSON: ${(error as Error).message}`);
    }
    if (out === none) return;
    for (const token of getManyValues(out as Many<Token>)) {
      const item = reader.push(token);
      if (item) items.push(item);
    }
  };
  for await (const raw of input as AsyncIterable<string>) {
    feed(first ? raw.replace(/^\uFEFF/, '') : raw);
    first = false;
    yield* items.splice(0);
  }
  feed(none);
  yield* items.splice(0);
}
