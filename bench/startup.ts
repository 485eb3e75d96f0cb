// Cold start of `npm start` on the embedded database: first start (migrations + demo seed) and a
// restart on the same data, each timed from spawn to the first 200 from /health.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

async function startOnce(dataDir: string, port: number): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/health`);
        if (response.status === 200) return performance.now() - started;
      } catch {
        // not listening yet
      }
      if (performance.now() - started > 120_000) throw new Error('server did not start within 120 s');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
  }
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'linkwork-bench-start-'));
const port = 3900 + Math.floor(Math.random() * 90);
try {
  const first = await startOnce(dataDir, port);
  const second = await startOnce(dataDir, port);
  const floorStart = performance.now();
  await new Promise<void>((resolve) => spawn(process.execPath, ['-e', '0']).once('exit', () => resolve()));
  const nodeFloor = performance.now() - floorStart;
  console.log('\n[startup] spawn → first 200 from /health (embedded PGlite)');
  console.log(`floor: bare \`node -e 0\`                     ${nodeFloor.toFixed(0).padStart(6)} ms`);
  console.log(`first start (new data dir: migrate + seed)  ${first.toFixed(0).padStart(6)} ms   (${(first / nodeFloor).toFixed(0)}× floor)`);
  console.log(`restart (existing data)                     ${second.toFixed(0).padStart(6)} ms   (${(second / nodeFloor).toFixed(0)}× floor)`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
