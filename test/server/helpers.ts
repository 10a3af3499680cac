/**
 * Shared by the server tests: a server on a free loopback port with its own store, ECS process
 * events for the founding rule (some matching, most not), and a child-process server for the
 * tests that kill it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer, type ServeOptions } from '../../src/server/index.js';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const FOUNDING_RULE_ID = 'd9ffc3d6-9de9-4b29-9395-5757d0695ecf';
export const SYSMON_INDEX = 'logs-windows.sysmon_operational-default';

export function tempDir(prefix = 'eqlite-serve-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function testServer(
  options: Partial<ServeOptions> = {},
): Promise<RunningServer & { dir: string; logs: string[] }> {
  const t = options.dataDir ? { dir: options.dataDir, remove: () => undefined } : tempDir();
  const logs: string[] = [];
  const s = await startServer({ port: 0, dataDir: t.dir, log: (l) => logs.push(l), tickMs: 200, ...options });
  const close = s.close.bind(s);
  return Object.assign(s, {
    dir: t.dir,
    logs,
    close: async () => {
      await close();
      t.remove();
    },
  });
}

export interface GenOptions {
  host?: string;
  /** Make the event match the founding rule. */
  matching?: boolean;
  time?: Date;
  extra?: Record<string, unknown>;
}

let counter = 0;

/** A Sysmon process-start event in ECS; with `matching`, one the founding rule alerts on. */
export function processEvent(n: number, o: GenOptions = {}): Record<string, unknown> {
  const host = o.host ?? `ws-${n % 50}`;
  const cmd = o.matching
    ? `cmd.exe /c echo Set o=CreateObject("WScript.Shell") > %TEMP%\\r${n}.vbs & echo wscript %TEMP%\\r${n}.vbs`
    : `cmd.exe /c dir C:\\Users\\u${n}\\Documents`;
  return {
    '@timestamp': (o.time ?? new Date()).toISOString(),
    data_stream: { type: 'logs', dataset: 'windows.sysmon_operational', namespace: 'default' },
    event: {
      category: ['process'],
      type: ['start'],
      kind: 'event',
      action: 'Process creation',
      code: '1',
      module: 'windows',
      dataset: 'windows.sysmon_operational',
    },
    host: { name: host, id: `${host}-id`, os: { type: 'windows', family: 'windows' } },
    user: { name: `user${n % 7}`, domain: 'CORP' },
    process: {
      pid: 1000 + (n % 60000),
      entity_id: `{proc-${n}-${counter++}}`,
      name: 'cmd.exe',
      executable: 'C:\\Windows\\System32\\cmd.exe',
      command_line: cmd,
      args: cmd.split(' '),
      parent: {
        pid: 500,
        name: 'explorer.exe',
        executable: 'C:\\Windows\\explorer.exe',
        entity_id: `{parent-${host}}`,
      },
    },
    ...o.extra,
  };
}

export function bulkBody(
  docs: Array<Record<string, unknown>>,
  index = SYSMON_INDEX,
  action: 'index' | 'create' = 'create',
): string {
  let s = '';
  for (const d of docs) s += `${JSON.stringify({ [action]: { _index: index } })}\n${JSON.stringify(d)}\n`;
  return s;
}

export async function postBulk(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`${url}/_bulk`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-ndjson', ...headers },
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

/** An `eqlite serve` child process (through tsx), for the tests that kill it. */
export interface ChildServer {
  proc: ChildProcess;
  url: string;
  stderr: () => string;
  waitFor: (re: RegExp, timeoutMs?: number) => Promise<void>;
  kill: (signal?: NodeJS.Signals) => Promise<void>;
}

export async function spawnServer(args: string[], env: Record<string, string> = {}): Promise<ChildServer> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'serve', '--port', '0', ...args],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let err = '';
  const waiters: Array<{ re: RegExp; resolve: () => void }> = [];
  proc.stderr?.on('data', (c: Buffer) => {
    err += c.toString();
    for (const w of waiters.splice(0)) {
      if (w.re.test(err)) w.resolve();
      else waiters.push(w);
    }
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const waitFor = (re: RegExp, timeoutMs = 60_000) =>
    new Promise<void>((resolve, reject) => {
      if (re.test(err)) return resolve();
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${re} in:\n${err}`)), timeoutMs);
      waiters.push({ re, resolve: () => (clearTimeout(t), resolve()) });
      void exited.then(() => {
        if (!re.test(err)) {
          clearTimeout(t);
          reject(new Error(`server exited before ${re}:\n${err}`));
        }
      });
    });
  await waitFor(/listening on (http:\/\/\S+)/);
  const url = /listening on (http:\/\/\S+)/.exec(err)?.[1] as string;
  return {
    proc,
    url,
    stderr: () => err,
    waitFor,
    kill: async (signal: NodeJS.Signals = 'SIGKILL') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
}
