// Builds the report page into report/dist/: TypeScript and CSS bundled by esbuild (ECharts
// included, so the page needs nothing from outside the machine), content-hashed file names so
// browsers may cache them for good, gzip copies, and index.html pointing at them.
// Run with `npm run build:report`; src/report.ts serves the result at /report.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('.', import.meta.url));
export const REPORT_DIST = join(ROOT, 'dist');

/** Builds the page into `outDir` and returns the file names written there. */
export async function buildReport(outDir: string = REPORT_DIST): Promise<string[]> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [
      { in: 'src/main.ts', out: 'app' },
      { in: 'src/styles.css', out: 'app' },
    ],
    entryNames: '[name]-[hash]',
    outdir: outDir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    // Browsers of the last few years; nothing here needs a polyfill.
    target: ['es2022', 'chrome100', 'edge100', 'firefox100', 'safari15'],
    minify: true,
    sourcemap: 'linked',
    // ECharts reads process.env.NODE_ENV for its development warnings; browsers have no `process`.
    define: { 'process.env.NODE_ENV': '"production"' },
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  const entry = (extension: string): string => {
    const found = Object.entries(result.metafile.outputs).find(([path, output]) => output.entryPoint !== undefined && path.endsWith(extension));
    if (!found) throw new Error(`esbuild produced no ${extension} bundle`);
    return basename(found[0]);
  };
  const html = (await readFile(join(ROOT, 'index.html'), 'utf8'))
    .replace('{{js}}', `/report/${entry('.js')}`)
    .replace('{{css}}', `/report/${entry('.css')}`);

  const files = new Map<string, Uint8Array>([['index.html', Buffer.from(html)]]);
  for (const file of result.outputFiles) files.set(basename(file.path), file.contents);
  for (const [name, contents] of [...files]) {
    if (/\.(js|css|html)$/.test(name)) files.set(`${name}.gz`, gzipSync(contents, { level: 9 }));
  }
  await mkdir(outDir, { recursive: true });
  // Written aside and renamed into place: a server reading the directory never sees half a file.
  await Promise.all(
    [...files].map(async ([name, contents]) => {
      const temporary = join(outDir, `.${name}.${process.pid}.tmp`);
      await writeFile(temporary, contents);
      await rename(temporary, join(outDir, name));
    }),
  );
  // Old hashed bundles go only after the new ones are in place, so a running server never misses a file.
  const stale = (await readdir(outDir)).filter((name) => !files.has(name) && !name.endsWith('.tmp'));
  await Promise.all(stale.map((name) => rm(join(outDir, name), { force: true })));
  return [...files.keys()].sort();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = await buildReport();
  console.log(`report page built: ${files.length} files in ${REPORT_DIST}`);
}
