import { createReadStream, type ReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
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
 * Streams the services in a file with memory for one service at a time (DocumentScanner cuts the
 * file into services, each parsed by JSON.parse), or one line at a time for ndjson, where a line that is not JSON is
 * reported and the next line read. `onBytes` hears how far into the file the reading is.
 */
export async function* readServices(file: string, layout: Layout, onBytes: (bytes: number) => void): AsyncGenerator<SourceItem> {
  // 256 KiB reads: fewer, larger chunks than the default 64 KiB, while the progress (bytes read)
  // still moves smoothly; memory stays constant either way.
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

// Bytes the scanner looks at. Every one is ASCII, and no byte of a multi-byte UTF-8 character is,
// so the file can be scanned as bytes and each value decoded whole, never split mid-character.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const isSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
/** Where a number, true, false or null ends. */
const endsScalar = (byte: number) => byte === COMMA || byte === CLOSE_ARRAY || byte === CLOSE_OBJECT || isSpace(byte);

/**
 * Where the scanner is between values:
 *  - `top`: before a top-level value (a file may hold several, one after another);
 *  - `list`: after `[` or `,` in a list of services (a top-level array, or an envelope's `contents`);
 *  - `listNext`: after an item, before `,` or `]`;
 *  - `key`: after `{` or `,` in a top-level object, before a key or `}`;
 *  - `colon`: after a key; `member`: after the colon, before the key's value;
 *  - `objectNext`: after a member's value, before `,` or `}`.
 */
type Place = 'top' | 'list' | 'listNext' | 'key' | 'colon' | 'member' | 'objectNext';

/** A value being scanned: its first byte's offset, and for `{…}`/`[…]`, how deep and whether inside a string. */
type Scan = { start: number; kind: 'container' | 'string' | 'scalar'; depth: number; inString: boolean; target: 'record' | 'member' | 'key' | 'top' };

/**
 * Cuts a JSON document (or several, one after another) into services without parsing it all:
 * the items of a top-level array, the items of an envelope's `contents` (ORUK 3.0) or `content`
 * (ORUK v1), or a top-level object that has neither. Only the structure outside the services is
 * followed byte by byte (strings, escapes, and how deep the brackets go); each service's text is
 * then parsed on its own by the native JSON.parse, so memory holds one service at a time and an
 * item that is not valid JSON is reported and skipped while the rest of the file is read.
 * What breaks the structure itself (a file cut short, text between items) stops the file with a
 * SourceFileProblem.
 */
export class DocumentScanner {
  private buffer: Buffer = Buffer.alloc(0);
  /** The next byte to look at, in `buffer`. */
  private at = 0;
  /** Bytes before `buffer` (dropped once scanned), for positions in messages. */
  private dropped = 0;
  private place: Place = 'top';
  private scan: Scan | null = null;
  /** Whether the list is still empty (`]` may close it) or a value must follow (after a comma). */
  private listEmpty = false;
  /** Whether the list being read is the top-level array or an envelope's. */
  private listFormat: EnvelopeFormat | 'array' = 'array';
  private objectEmpty = false;
  private key = '';
  private envelope: Record<string, Json> = {};
  private sawItems = false;
  private topIndex = 0;
  private itemIndex = 0;
  /** Whether the file's first bytes were checked for a byte order mark. */
  private checkedBom = false;

  /** The services (and problems) completed by this chunk of the file. */
  push(chunk: Buffer): SourceItem[] {
    // Keep only what is not yet used up: the value being scanned, from its first byte.
    const keep = this.scan ? this.scan.start : this.at;
    this.dropped += keep;
    this.buffer = keep < this.buffer.length ? Buffer.concat([this.buffer.subarray(keep), chunk]) : chunk;
    this.at -= keep;
    if (this.scan) this.scan.start = 0;
    const out: SourceItem[] = [];
    this.run(out, false);
    return out;
  }

  /** The end of the file: a last number at the top level completes; anything else unfinished is a problem. */
  end(): SourceItem[] {
    const out: SourceItem[] = [];
    this.run(out, true);
    if (this.scan || this.place !== 'top') {
      throw new SourceFileProblem(`the file ends in the middle of ${this.unfinished()}: it may have been cut short`);
    }
    return out;
  }

  private unfinished(): string {
    if (this.scan?.target === 'record') return `item ${this.itemIndex + 1}`;
    if (this.place === 'list' || this.place === 'listNext') return this.listFormat === 'array' ? 'the list of services' : `the "${this.listFormat === 'oruk3' ? 'contents' : 'content'}" list`;
    return this.topIndex > 1 ? `value ${this.topIndex}` : 'the service';
  }

  private fail(expected: string): never {
    const byte = this.buffer[this.at]!;
    const found = byte >= 0x20 && byte < 0x7f ? `"${String.fromCharCode(byte)}"` : `byte ${byte}`;
    throw new SourceFileProblem(`not valid JSON: expected ${expected} but found ${found} at byte ${this.dropped + this.at}`);
  }

  private run(out: SourceItem[], atEnd: boolean): void {
    const buffer = this.buffer;
    const length = buffer.length;
    if (!this.checkedBom) {
      const head = buffer.subarray(0, 3);
      // The first chunk may hold only part of a byte order mark: wait for the rest.
      if (head.length < 3 && !atEnd && BOM.subarray(0, head.length).equals(head)) return;
      if (head.equals(BOM)) this.at = 3;
      this.checkedBom = true;
    }
    for (;;) {
      if (this.scan) {
        const end = this.scanValue(atEnd);
        if (end < 0) return;
        const item = this.complete(end);
        if (item) out.push(item);
        continue;
      }
      while (this.at < length && isSpace(buffer[this.at]!)) this.at++;
      if (this.at >= length) return;
      const byte = buffer[this.at]!;
      switch (this.place) {
        case 'top':
          this.topIndex++;
          if (byte === OPEN_ARRAY) this.openList('array');
          else if (byte === OPEN_OBJECT) {
            this.at++;
            this.place = 'key';
            this.objectEmpty = true;
            this.envelope = {};
            this.sawItems = false;
          } else this.begin('top');
          break;
        case 'list':
          if (byte === CLOSE_ARRAY && this.listEmpty) this.closeList();
          else this.begin('record');
          break;
        case 'listNext':
          if (byte === COMMA) {
            this.at++;
            this.place = 'list';
            this.listEmpty = false;
          } else if (byte === CLOSE_ARRAY) this.closeList();
          else this.fail('"," or "]" after an item');
          break;
        case 'key':
          if (byte === CLOSE_OBJECT && this.objectEmpty) {
            const item = this.closeObject();
            if (item) out.push(item);
          } else if (byte === QUOTE) this.begin('key');
          else this.fail('a key in quotes');
          break;
        case 'colon':
          if (byte !== COLON) this.fail('":" after a key');
          this.at++;
          this.place = 'member';
          break;
        case 'member':
          if (byte === OPEN_ARRAY && (this.key === 'contents' || this.key === 'content')) {
            this.sawItems = true;
            this.openList(this.key === 'contents' ? 'oruk3' : 'oruk1');
          } else this.begin('member');
          break;
        case 'objectNext':
          if (byte === COMMA) {
            this.at++;
            this.place = 'key';
            this.objectEmpty = false;
          } else if (byte === CLOSE_OBJECT) {
            const item = this.closeObject();
            if (item) out.push(item);
          } else this.fail('"," or "}" after a value');
          break;
      }
    }
  }

  private openList(format: EnvelopeFormat | 'array'): void {
    this.at++;
    this.place = 'list';
    this.listEmpty = true;
    this.listFormat = format;
  }

  private closeList(): void {
    this.at++;
    this.place = this.listFormat === 'array' ? 'top' : 'objectNext';
  }

  /** The end of a top-level object: an envelope, or (with no list of services in it) a service itself. */
  private closeObject(): SourceItem | null {
    this.at++;
    this.place = 'top';
    const envelope = this.envelope;
    this.envelope = {};
    if (this.sawItems) return null;
    this.itemIndex++;
    return { kind: 'record', value: envelope, position: this.topIndex > 1 ? `value ${this.topIndex}` : 'the service', envelope: null };
  }

  private begin(target: Scan['target']): void {
    const byte = this.buffer[this.at]!;
    const kind = byte === OPEN_OBJECT || byte === OPEN_ARRAY ? 'container' : byte === QUOTE ? 'string' : 'scalar';
    if (target === 'key' && kind !== 'string') this.fail('a key in quotes');
    this.scan = { start: this.at, kind, depth: 0, inString: false, target };
  }

  /**
   * Carries the scan of the current value on from `at`: the offset just past its end, or -1 when
   * the buffer ends first (the state is kept for the next chunk).
   */
  private scanValue(atEnd: boolean): number {
    const scan = this.scan!;
    const buffer = this.buffer;
    const length = buffer.length;
    let i = this.at;
    if (scan.kind === 'scalar') {
      while (i < length && !endsScalar(buffer[i]!)) i++;
      this.at = i;
      return i < length || atEnd ? i : -1;
    }
    if (scan.kind === 'string') {
      // The opening quote is at `start`; look for the closing one.
      if (i === scan.start) i++;
      scan.inString = true;
    }
    while (i < length) {
      if (scan.inString) {
        const quote = buffer.indexOf(QUOTE, i);
        if (quote < 0) {
          i = length;
          break;
        }
        // A quote is escaped when an odd number of backslashes comes before it.
        let backslashes = 0;
        for (let k = quote - 1; buffer[k] === BACKSLASH; k--) backslashes++;
        i = quote + 1;
        if (backslashes % 2 === 0) {
          scan.inString = false;
          if (scan.kind === 'string') {
            this.at = i;
            return i;
          }
        }
        continue;
      }
      const byte = buffer[i++]!;
      if (byte === QUOTE) scan.inString = true;
      else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) scan.depth++;
      else if ((byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) && --scan.depth === 0) {
        this.at = i;
        return i;
      }
    }
    this.at = i;
    return -1;
  }

  /** A value scanned from `scan.start` to `end`: parsed, and given to whatever it belongs to. */
  private complete(end: number): SourceItem | null {
    const { start, target } = this.scan!;
    this.scan = null;
    const text = this.buffer.toString('utf8', start, end);
    let value: Json;
    try {
      value = JSON.parse(text) as Json;
    } catch (error) {
      if (target !== 'record') throw new SourceFileProblem(`not valid JSON at byte ${this.dropped + start}: ${(error as Error).message}`);
      this.place = 'listNext';
      return { kind: 'problem', position: `item ${++this.itemIndex}`, reason: `not valid JSON (${(error as Error).message})` };
    }
    switch (target) {
      case 'record':
        this.place = 'listNext';
        this.itemIndex++;
        return { kind: 'record', value, position: `item ${this.itemIndex}`, envelope: this.listFormat === 'array' ? null : this.listFormat };
      case 'key':
        this.key = value as string;
        this.place = 'colon';
        return null;
      case 'member':
        this.envelope[this.key] = value;
        this.place = 'objectNext';
        return null;
      case 'top':
        this.place = 'top';
        return { kind: 'problem', position: `value ${this.topIndex}`, reason: 'not a service (a JSON object) nor a list of them' };
    }
  }
}

async function* readDocument(input: ReadStream): AsyncGenerator<SourceItem> {
  const scanner = new DocumentScanner();
  for await (const chunk of input as AsyncIterable<Buffer>) yield* scanner.push(chunk);
  yield* scanner.end();
}
