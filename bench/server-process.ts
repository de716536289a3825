import { readFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { ChildMessage, ChildRequest, ProcessUsage, ServerKind } from './protocol.js';

/** A request without its id (the id is added when it is sent). */
type Request = ChildRequest extends infer R ? (R extends ChildRequest ? Omit<R, 'id'> : never) : never;

export interface ServerProcess {
  kind: ServerKind;
  pid: number;
  /** The GraphQL endpoint. */
  url: string;
  usage(options?: { gc?: boolean }): Promise<ProcessUsage>;
  resetPeak(): Promise<void>;
  setFloorData(campaigns: unknown[]): Promise<void>;
  /** Closes the server; resolves once the process has exited. */
  stop(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHILD = join(ROOT, 'dist', 'bench-child.js');

/** The Node flags `npm start` gives pushgraph (package.json), so the bench runs it as it is run. */
const START_NODE_FLAGS = ((): string[] => {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const flags = /\bnode((?:\s+--\S+)*)\s+dist\/index\.js/.exec(scripts.start ?? '')?.[1];
  if (flags === undefined) throw new Error('package.json: the start script does not run `node … dist/index.js`');
  return flags.trim().split(/\s+/).filter(Boolean);
})();
let built: Promise<void> | undefined;

/**
 * The servers run compiled JavaScript, as `npm start` does (not the tsx loader): src/ as
 * `npm run build:server` lays it out in dist/, and the bench's child bundled beside it, its
 * imports of src/ pointing at the compiled files.
 */
function buildChild(): Promise<void> {
  return (built ??= (async () => {
    const common = { platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning', absWorkingDir: ROOT } as const;
    await build({ ...common, entryPoints: ['src/**/*.ts'], outdir: 'dist' });
    await build({
      ...common,
      entryPoints: ['bench/child.ts'],
      outfile: CHILD,
      bundle: true,
      packages: 'external',
      plugins: [
        {
          name: 'compiled-src',
          setup(builder) {
            builder.onResolve({ filter: /^\.\.\/src\// }, (args) => ({ path: args.path.replace(/^\.\.\/src\//, './'), external: true }));
          },
        },
      ],
    });
  })());
}

/**
 * Starts one server of the bench in a child process: compiled JavaScript, pushgraph with `npm start`'s
 * Node flags, --expose-gc so memory figures are taken after a collection. `cpuProfileDir` adds
 * --cpu-prof: the profile is written on stop.
 */
export async function startServerProcess(
  kind: ServerKind,
  env: Record<string, string>,
  options: { cpuProfileDir?: string } = {},
): Promise<ServerProcess> {
  await buildChild();
  const args = ['--expose-gc', ...(kind.startsWith('service') ? START_NODE_FLAGS : [])];
  // One profile per thread, named by pid and thread.
  if (options.cpuProfileDir) args.push('--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir);
  const child: ChildProcess = spawn(process.execPath, [...args, CHILD, kind], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // The service logs JSON lines; only the tail is kept, to explain a failure.
  const tail: string[] = [];
  const keep = (chunk: Buffer): void => {
    tail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 40));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const explain = (what: string): Error => new Error(`${kind} server ${what}:\n${tail.join('\n')}`);

  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message: ChildMessage) => {
      if (message.type === 'ready') resolve(message.url);
      else reject(explain(message.type === 'failed' ? `failed to start: ${message.message}` : 'sent an unexpected message'));
    });
    void exited.then((code) => reject(explain(`exited with ${code} before it was ready`)));
  });

  let nextId = 1;
  const waiting = new Map<number, { resolve(message: ChildMessage): void; reject(error: Error): void }>();
  child.on('message', (message: ChildMessage) => {
    if ('id' in message) {
      waiting.get(message.id)?.resolve(message);
      waiting.delete(message.id);
    }
  });
  // A server that dies fails what the driver is waiting for, instead of hanging the bench.
  void exited.then((code) => {
    for (const { reject } of waiting.values()) reject(explain(`exited with ${code}`));
    waiting.clear();
  });
  const ask = (request: Request): Promise<ChildMessage> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      child.send({ ...request, id }, (error) => {
        if (error) reject(error);
      });
    });

  return {
    kind,
    pid: child.pid ?? 0,
    url,
    usage: async ({ gc = false } = {}) => {
      const answer = await ask({ type: 'usage', gc });
      if (answer.type !== 'usage') throw explain('answered usage with something else');
      return answer.usage;
    },
    resetPeak: async () => {
      await ask({ type: 'resetPeak' });
    },
    setFloorData: async (campaigns) => {
      await ask({ type: 'floorData', campaigns });
    },
    stop: async () => {
      await ask({ type: 'stop' });
      const code = await exited;
      if (code !== 0) throw explain(`exited with ${code}`);
    },
  };
}
