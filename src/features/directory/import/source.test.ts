import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DocumentScanner, readServices, sniffLayout, SourceFileProblem, type SourceItem } from './source.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const NORTH_LINCS = path.join(ROOT, 'test/fixtures/oruk-v1-north-lincolnshire-services.json');
const RICH = path.join(ROOT, 'test/fixtures/oruk3-rich-services.json');

const dir = mkdtempSync(path.join(tmpdir(), 'linkwork-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The scanner fed `text` in chunks of `size` bytes (splitting strings, escapes and characters anywhere). */
function scan(text: string | Buffer, size = Infinity): SourceItem[] {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const scanner = new DocumentScanner();
  const items: SourceItem[] = [];
  const step = Math.min(size, bytes.length || 1);
  for (let at = 0; at < bytes.length; at += step) items.push(...scanner.push(bytes.subarray(at, at + step)));
  items.push(...scanner.end());
  return items;
}

/** The same, in every chunk size from one byte up to the whole text: all must agree. */
function scanAllWays(text: string): SourceItem[] {
  const whole = scan(text);
  for (const size of [1, 2, 3, 5, 7, 16]) expect(scan(text, size)).toEqual(whole);
  return whole;
}

const records = (items: SourceItem[]) => items.map((item) => (item.kind === 'record' ? [item.position, item.value, item.envelope] : [item.position, item.kind]));

describe('DocumentScanner: a JSON file cut into services', () => {
  it('keeps brackets, braces, commas and escaped quotes inside strings out of the structure', () => {
    const tricky = [
      { id: 'a', name: 'Tea ] and { cake }, [biscuits]', description: 'She said "hello, [world]" \\ and left' },
      { id: 'b', name: 'ends in a backslash \\', note: '\\"', nested: { list: [[1, [2, { deep: ']}' }]], []], empty: {} } },
      { id: 'c', name: 'Café – naïve “quotes” 😀', tabs: '\t\n\r\u0001' },
    ];
    const items = scanAllWays(JSON.stringify(tricky, null, 2));
    expect(records(items)).toEqual(tricky.map((value, i) => [`item ${i + 1}`, value, null]));
  });

  it('reads a page envelope: the items of contents (ORUK 3.0) or content (ORUK v1), whatever comes around them', () => {
    const page = { total_items: 2, links: { next: 'https://x.example/services?page=[2]' }, contents: [{ id: 'a' }, { id: 'b' }], last_page: true };
    expect(records(scanAllWays(JSON.stringify(page)))).toEqual([
      ['item 1', { id: 'a' }, 'oruk3'],
      ['item 2', { id: 'b' }, 'oruk3'],
    ]);
    expect(records(scanAllWays('{"totalElements": 1, "content": [ {"id": "v1"} ] }'))).toEqual([['item 1', { id: 'v1' }, 'oruk1']]);
  });

  it('gives a top-level object without a list of services as the service itself, and several documents one after another', () => {
    expect(records(scanAllWays('\uFEFF{"id": "one", "contents": "not a list", "phones": [{"id": "p"}]}'))).toEqual([
      ['the service', { id: 'one', contents: 'not a list', phones: [{ id: 'p' }] }, null],
    ]);
    expect(records(scanAllWays('{"id": "one"}\n[{"id": "two"}]\n{"id": "three"}'))).toEqual([
      ['the service', { id: 'one' }, null],
      ['item 2', { id: 'two' }, null],
      ['value 3', { id: 'three' }, null],
    ]);
    expect(scanAllWays('[]')).toEqual([]);
    expect(scanAllWays('  \n')).toEqual([]);
  });

  it('passes items that are not objects on (the importer rejects them), and reports top-level values that are not services', () => {
    expect(records(scanAllWays('[1, "text", null, [{"id": "x"}], {"id": "y"}]'))).toEqual([
      ['item 1', 1, null],
      ['item 2', 'text', null],
      ['item 3', null, null],
      ['item 4', [{ id: 'x' }], null],
      ['item 5', { id: 'y' }, null],
    ]);
    expect(scanAllWays('42 "text"')).toEqual([
      { kind: 'problem', position: 'value 1', reason: 'not a service (a JSON object) nor a list of them' },
      { kind: 'problem', position: 'value 2', reason: 'not a service (a JSON object) nor a list of them' },
    ]);
  });

  it('reports an item that is not valid JSON and reads on', () => {
    const items = scanAllWays('[{"id": "a"}, {"id": broken, "x": "}"}, tru, {"id": "d"}]');
    expect(items).toEqual([
      { kind: 'record', position: 'item 1', value: { id: 'a' }, envelope: null },
      { kind: 'problem', position: 'item 2', reason: expect.stringMatching(/^not valid JSON \(/) },
      { kind: 'problem', position: 'item 3', reason: expect.stringMatching(/^not valid JSON \(/) },
      { kind: 'record', position: 'item 4', value: { id: 'd' }, envelope: null },
    ]);
  });

  it('says clearly where a file cut short ends, after giving the services before it', () => {
    const cut = (text: string) => {
      const scanner = new DocumentScanner();
      const items = scanner.push(Buffer.from(text));
      let problem: unknown = null;
      try {
        scanner.end();
      } catch (error) {
        problem = error;
      }
      return { items: records(items), problem };
    };
    const inItem = cut('[{"id": "a"}, {"id": "b", "name": "half a na');
    expect(inItem.items).toEqual([['item 1', { id: 'a' }, null]]);
    expect(inItem.problem).toEqual(new SourceFileProblem('the file ends in the middle of item 2: it may have been cut short'));
    expect(cut('[{"id": "a"},').problem).toEqual(new SourceFileProblem('the file ends in the middle of the list of services: it may have been cut short'));
    expect(cut('{"total": 3, "contents": [{"id": "a"}').problem).toEqual(new SourceFileProblem('the file ends in the middle of the "contents" list: it may have been cut short'));
    expect(cut('{"id": "a", "name": "x"').problem).toEqual(new SourceFileProblem('the file ends in the middle of the service: it may have been cut short'));
  });

  it('stops the file, saying where, when the structure between services is broken', () => {
    expect(() => scan('[{"id": "a"} {"id": "b"}]')).toThrow(new SourceFileProblem('not valid JSON: expected "," or "]" after an item but found "{" at byte 13'));
    expect(() => scan('{"total": 1 "contents": []}')).toThrow(/expected "," or "}" after a value but found """ at byte 12/);
    expect(() => scan('{total: 1}')).toThrow(/expected a key in quotes/);
    expect(() => scan('<html><body>Not found</body></html>')).toThrow(/^not valid JSON at byte 0: /);
  });
});

describe('readServices: every kind of file', () => {
  const read = async (file: string) => {
    const items: SourceItem[] = [];
    for await (const item of readServices(file, await sniffLayout(file), () => {})) items.push(item);
    return items;
  };

  it('reads the real ORUK v1 feed and the ORUK 3.0 page exactly as JSON.parse reads them whole', async () => {
    const v1 = JSON.parse(readFileSync(NORTH_LINCS, 'utf8')) as unknown[];
    expect((await read(NORTH_LINCS)).map((item) => (item.kind === 'record' ? item.value : item))).toEqual(v1);
    const rich = JSON.parse(readFileSync(RICH, 'utf8')) as { contents: unknown[] };
    const items = await read(RICH);
    expect(items.map((item) => (item.kind === 'record' ? [item.value, item.envelope] : item))).toEqual(rich.contents.map((value) => [value, 'oruk3']));
  });

  it('reads ndjson a line at a time: services, lists and envelopes on a line, a bad line reported', async () => {
    const file = path.join(dir, 'services.ndjson');
    writeFileSync(file, ['{"id": "a"}', '', '[{"id": "b"}, {"id": "c"}]', '{"id": broken', '{"content": [{"id": "d"}]}'].join('\n') + '\n');
    expect(await read(file)).toEqual([
      { kind: 'record', position: 'line 1', value: { id: 'a' }, envelope: null },
      { kind: 'record', position: 'line 3, item 1', value: { id: 'b' }, envelope: null },
      { kind: 'record', position: 'line 3, item 2', value: { id: 'c' }, envelope: null },
      { kind: 'problem', position: 'line 4', reason: expect.stringMatching(/^not valid JSON/) },
      { kind: 'record', position: 'line 5, item 1', value: { id: 'd' }, envelope: 'oruk1' },
    ]);
  });

  it('reads a file larger than one read, its services split across reads', async () => {
    const services = Array.from({ length: 400 }, (_, i) => ({ id: `s${i}`, name: `Service ${i} ]}"`, description: 'é'.repeat(1000 + i) }));
    const file = path.join(dir, 'large.json');
    writeFileSync(file, JSON.stringify({ contents: services }));
    const items = await read(file);
    expect(items.map((item) => (item.kind === 'record' ? item.value : item))).toEqual(services);
  });
});
