import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const LONG_SECRET = 'a-session-secret-that-is-at-least-32-chars';
const dirs: string[] = [];

/** Every test gets its own DATA_DIR, so no test writes a session secret into ./data. */
function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'linkwork-config-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The ConfigError thrown by loadConfig(env), failing the test if it does not throw one. */
function refusal(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('has defaults for local use: port 3000, localhost, embedded PGlite in DATA_DIR', () => {
    const dir = dataDir();
    const config = loadConfig({ DATA_DIR: dir });
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dataDir: dir,
      databaseUrl: undefined,
      migrationDatabaseUrl: undefined,
      databaseKind: 'pglite',
      logLevel: 'info',
      trustProxy: false,
      sessionIdleMinutes: 30,
      sessionAbsoluteHours: 12,
    });
  });

  it.each(['abc', '3000x', '-1', '1.5', '65536'])('refuses PORT=%s, naming PORT', (port) => {
    const error = refusal({ DATA_DIR: dataDir(), PORT: port });
    expect(error.setting).toBe('PORT');
    expect(error.message).toMatch(/^PORT: /);
  });

  it('accepts PORT=0 (any free port) and a valid PORT', () => {
    expect(loadConfig({ DATA_DIR: dataDir(), PORT: '0' }).port).toBe(0);
    expect(loadConfig({ DATA_DIR: dataDir(), PORT: '8080' }).port).toBe(8080);
  });

  it('refuses DATABASE_URL without SESSION_SECRET, naming SESSION_SECRET', () => {
    const error = refusal({ DATA_DIR: dataDir(), DATABASE_URL: 'postgres://app@db.example/linkwork' });
    expect(error.setting).toBe('SESSION_SECRET');
    expect(error.message).toContain('SESSION_SECRET');
    expect(error.message).toContain('DATABASE_URL');
  });

  it('uses PostgreSQL with DATABASE_URL and a good SESSION_SECRET', () => {
    const config = loadConfig({
      DATA_DIR: dataDir(),
      DATABASE_URL: 'postgresql://app@db.example/linkwork',
      MIGRATION_DATABASE_URL: 'postgres://owner@db.example/linkwork',
      SESSION_SECRET: LONG_SECRET,
    });
    expect(config).toMatchObject({ databaseKind: 'postgresql', sessionSecret: LONG_SECRET, migrationDatabaseUrl: 'postgres://owner@db.example/linkwork' });
  });

  it('refuses a SESSION_SECRET shorter than 32 characters, with or without a database URL', () => {
    for (const env of [
      { SESSION_SECRET: 'too-short' },
      { SESSION_SECRET: 'x'.repeat(31), DATABASE_URL: 'postgres://app@db.example/linkwork' },
    ]) {
      const error = refusal({ DATA_DIR: dataDir(), ...env });
      expect(error.setting).toBe('SESSION_SECRET');
      expect(error.message).toMatch(/at least 32 characters/);
    }
  });

  it('generates a session secret for embedded use and keeps it in DATA_DIR (private to the owner)', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir }).sessionSecret;
    expect(first.length).toBeGreaterThanOrEqual(32);
    const file = path.join(dir, 'session-secret');
    expect(readFileSync(file, 'utf8').trim()).toBe(first);
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(loadConfig({ DATA_DIR: dir }).sessionSecret).toBe(first);
    expect(loadConfig({ DATA_DIR: dataDir() }).sessionSecret).not.toBe(first);
  });

  it('creates DATA_DIR when it does not exist yet', () => {
    const dir = path.join(dataDir(), 'not', 'there', 'yet');
    expect(loadConfig({ DATA_DIR: dir }).sessionSecret).toBe(readFileSync(path.join(dir, 'session-secret'), 'utf8').trim());
  });

  it('refuses an unknown LOG_LEVEL, naming LOG_LEVEL and the choices', () => {
    const error = refusal({ DATA_DIR: dataDir(), LOG_LEVEL: 'verbose' });
    expect(error.setting).toBe('LOG_LEVEL');
    expect(error.message).toContain('verbose');
    expect(error.message).toContain('debug');
    expect(loadConfig({ DATA_DIR: dataDir(), LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
  });

  it.each([
    [{ DATABASE_URL: 'mysql://app@db/linkwork', SESSION_SECRET: LONG_SECRET }, 'DATABASE_URL'],
    [{ MIGRATION_DATABASE_URL: 'postgres://owner@db/linkwork' }, 'MIGRATION_DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://app@db/l', MIGRATION_DATABASE_URL: 'owner@db', SESSION_SECRET: LONG_SECRET }, 'MIGRATION_DATABASE_URL'],
    [{ TRUST_PROXY: 'yes' }, 'TRUST_PROXY'],
    [{ SESSION_IDLE_MINUTES: '0' }, 'SESSION_IDLE_MINUTES'],
    [{ SESSION_ABSOLUTE_HOURS: 'twelve' }, 'SESSION_ABSOLUTE_HOURS'],
  ] as [NodeJS.ProcessEnv, string][])('refuses %j, naming %s', (env, setting) => {
    expect(refusal({ DATA_DIR: dataDir(), ...env }).setting).toBe(setting);
  });
});
