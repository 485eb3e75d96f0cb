import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backend } from '../../../test/support/db.js';
import { DataDirectoryLocked, openDatabase, type Database } from './database.js';

/**
 * PGlite has no lock of its own, so Linkwork keeps `<DATA_DIR>/linkwork.pid`. These tests are about
 * the embedded database only, so they run in the pglite project.
 */
const dirs: string[] = [];
const opened: Database[] = [];

function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'linkwork-lock-'));
  dirs.push(dir);
  return dir;
}

afterAll(async () => {
  for (const db of opened.splice(0)) await db.close().catch(() => undefined);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe.runIf(backend === 'pglite')('the PGlite data directory lock', () => {
  it('refuses a directory another live process holds, saying which and what to do', async () => {
    const dir = dataDir();
    const pidFile = path.join(dir, 'linkwork.pid');
    // The test runner that started this worker is alive and is not this process.
    const holder = String(process.ppid);
    writeFileSync(pidFile, holder);
    const attempt = openDatabase({ kind: 'pglite', dataDir: dir });
    await expect(attempt).rejects.toBeInstanceOf(DataDirectoryLocked);
    await expect(attempt).rejects.toThrow(`The data directory ${dir} is in use by another Linkwork process (pid ${holder}). Stop it first, or set DATA_DIR to another directory.`);
    expect(readFileSync(pidFile, 'utf8')).toBe(holder);
    expect(existsSync(path.join(dir, 'pglite'))).toBe(false);
  });

  it('takes over a stale lock, refuses a second open in the same process, and releases on close', { timeout: 120_000 }, async () => {
    const dir = dataDir();
    const pidFile = path.join(dir, 'linkwork.pid');
    const exited = spawnSync(process.execPath, ['-e', '']);
    expect(exited.status).toBe(0);
    writeFileSync(pidFile, String(exited.pid));

    const db = await openDatabase({ kind: 'pglite', dataDir: dir });
    opened.push(db);
    expect(readFileSync(pidFile, 'utf8')).toBe(String(process.pid));

    const again = openDatabase({ kind: 'pglite', dataDir: dir });
    await expect(again).rejects.toBeInstanceOf(DataDirectoryLocked);
    await expect(again).rejects.toThrow(`The data directory ${dir} is already open in this process (pid ${process.pid}). Close it before opening it again.`);
    // The refused open must not have released the lock the first one holds.
    expect(readFileSync(pidFile, 'utf8')).toBe(String(process.pid));

    await db.close();
    opened.splice(opened.indexOf(db), 1);
    expect(existsSync(pidFile)).toBe(false);

    const reopened = await openDatabase({ kind: 'pglite', dataDir: dir });
    opened.push(reopened);
    expect(readFileSync(pidFile, 'utf8')).toBe(String(process.pid));
    await reopened.close();
    opened.pop();
  });
});
