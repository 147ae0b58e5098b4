/** Helpers for the integration tests: the services' settings, HTTP calls, the app as a process. */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';

export const ROOT = path.join(__dirname, '..');
const SERVICES = path.join(ROOT, 'scripts', 'services.sh');

/** The environment scripts/services.sh describes (PGHOST, ..., CACHE_URL). */
export function serviceEnv(): Record<string, string> {
  const line = execFileSync(SERVICES, ['env'], { encoding: 'utf8' }).trim();
  return Object.fromEntries(line.split(/\s+/).map((pair) => pair.split('=') as [string, string]));
}

export function postgres(action: 'pg-stop' | 'pg-start') {
  execFileSync(SERVICES, [action], { stdio: 'ignore' });
}

export interface Response {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export function request(port: number, method: string, urlPath: string, options: { body?: string; cookie?: string } = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, agent: false, headers: options.cookie ? { cookie: options.cookie } : {} }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();
// A failed assertion must not leave an app process behind to keep jest waiting.
afterAll(() => running.forEach((child) => child.kill('SIGKILL')));

/** Runs the app (app/src/main.ts through tsx) and resolves once it listens. */
export async function startApp(env: Record<string, string>): Promise<{ port: number; process: ChildProcess; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'app', 'src', 'main.ts')], {
    env: { ...process.env, ...env, APP_PORT: String(port), STAGE: 'integration' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`app did not start: ${output}`)), 15000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`app exited with ${code}: ${output}`));
    });
  });
  const stop = () => new Promise<void>((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  return { port, process: child, stop };
}
