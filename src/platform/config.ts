import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { notifyConfigFrom, NotifySettingError, type NotifyConfig } from '../features/notifications/config.js';

export type DatabaseKind = 'pglite' | 'postgresql';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** A connection that owns the schema, for migrations; defaults to DATABASE_URL. */
  migrationDatabaseUrl: string | undefined;
  databaseKind: DatabaseKind;
  sessionSecret: string;
  logLevel: string;
  /** Behind a reverse proxy: trust X-Forwarded-Proto so cookies are marked Secure over HTTPS. */
  trustProxy: boolean;
  /** Requests per minute per client address; NHS sites often share one address, so keep it generous. */
  rateLimitPerMinute: number;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  /** GOV.UK Notify; null means nothing is sent and messages wait in the outbox. */
  notify: NotifyConfig | null;
}

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

/**
 * Embedded use keeps a generated secret beside the data so sessions survive restarts without
 * asking a newcomer to invent one; a shared PostgreSQL deployment must set its own.
 */
function sessionSecretFor(env: NodeJS.ProcessEnv, dataDir: string, usesPostgres: boolean): string {
  const given = env.SESSION_SECRET;
  if (given !== undefined && given !== '') {
    if (given.length < 32) throw new ConfigError('SESSION_SECRET', 'must be at least 32 characters long');
    return given;
  }
  if (usesPostgres) {
    throw new ConfigError('SESSION_SECRET', 'is required when DATABASE_URL is set (at least 32 random characters)');
  }
  const file = path.join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST || '127.0.0.1';
  const dataDir = path.resolve(env.DATA_DIR || './data');
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'must start with postgres:// or postgresql://');
  }
  const migrationDatabaseUrl = env.MIGRATION_DATABASE_URL || undefined;
  if (migrationDatabaseUrl !== undefined && databaseUrl === undefined) {
    throw new ConfigError('MIGRATION_DATABASE_URL', 'only applies with DATABASE_URL set');
  }
  if (migrationDatabaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(migrationDatabaseUrl)) {
    throw new ConfigError('MIGRATION_DATABASE_URL', 'must start with postgres:// or postgresql://');
  }
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const trustProxy = env.TRUST_PROXY ?? '';
  if (!['', 'true', 'false'].includes(trustProxy)) throw new ConfigError('TRUST_PROXY', 'must be true or false');
  let notify: NotifyConfig | null;
  try {
    notify = notifyConfigFrom(env);
  } catch (error) {
    if (error instanceof NotifySettingError) throw new ConfigError(error.setting, error.message);
    throw error;
  }
  return {
    port,
    host,
    dataDir,
    databaseUrl,
    migrationDatabaseUrl,
    databaseKind: databaseUrl ? 'postgresql' : 'pglite',
    sessionSecret: sessionSecretFor(env, dataDir, databaseUrl !== undefined),
    logLevel,
    trustProxy: trustProxy === 'true',
    rateLimitPerMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 1200, 10, 1_000_000),
    sessionIdleMinutes: integer(env, 'SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
    sessionAbsoluteHours: integer(env, 'SESSION_ABSOLUTE_HOURS', 12, 1, 24 * 7),
    notify,
  };
}
