/**
 * `npm run load-test`: a bounded local load test of the reference app as deployed (the esbuild
 * bundle), against the PostgreSQL and Redis of scripts/services.sh on loopback. 10 s per path,
 * 10 connections; prints requests/s and p99 latency as a Markdown table for the README.
 *
 *   npm run load-test -- [--seconds N] [--connections N]
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import autocannon from 'autocannon';
import { bundleReferenceApp } from '../tools/app-bundle';

const ROOT = path.join(__dirname, '..');
const flag = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const seconds = flag('--seconds', 10);
const connections = flag('--connections', 10);
const PORT = 58080;

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'growth-stages-load-'));
  bundleReferenceApp(dir);
  const services = path.join(ROOT, 'scripts', 'services.sh');
  const env = Object.fromEntries(execFileSync(services, ['start'], { encoding: 'utf8' }).trim().split(/\s+/).map((p) => p.split('=')));
  const rows: string[] = [];
  for (const [label, extra] of [['PostgreSQL sessions (stages 1-3)', { CACHE_URL: '' }], ['Valkey sessions and cache (stage 4)', {}]] as const) {
    const app = await start(dir, { ...env, ...extra });
    try {
      for (const urlPath of ['/', '/health']) {
        const result = await autocannon({ url: `http://127.0.0.1:${PORT}${urlPath}`, connections, duration: seconds });
        if (result.non2xx || result.errors) throw new Error(`${urlPath}: ${result.non2xx} non-2xx, ${result.errors} errors`);
        rows.push(`| \`${urlPath}\` | ${label} | ${Math.round(result.requests.average)} | ${result.latency.p99} ms |`);
        process.stderr.write(`${label} ${urlPath}: ${Math.round(result.requests.average)} req/s\n`);
      }
    } finally {
      app.kill('SIGTERM');
    }
  }
  execFileSync(services, ['stop'], { stdio: 'ignore' });
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} cores, Node ${process.version}: ${seconds} s per row, ${connections} connections, app and databases on the same machine.\n`);
  console.log('| path | configuration | requests/s | p99 latency |');
  console.log('|---|---|---|---|');
  console.log(rows.join('\n'));
}

function start(dir: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(dir, 'server.js')], {
    env: { ...process.env, ...env, APP_PORT: String(PORT), STAGE: 'load test' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening on')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`app exited with ${code}`)));
  });
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
