// Bundles the pages' JavaScript/JSX blocks with esbuild (the version pinned in package.json): a
// syntax error, or an import of a name that `bkend.js` or a sibling block does not export, fails.
//
// stdin: [{ id, code, loader, siblings: { "auth-validation.js": code, ... }, shareHelper }]
// stdout: [{ id, errors: [text], bundle: text | null }]
// `./bkend.js` (any folder) is snippets/bkend.js; other relative imports are the page's blocks of
// that title; bare imports (react, qrcode, express...) stay external. With `shareHelper`, bkend.js
// stays an import of snippets/bkend.js itself, so a runner that configures it configures the block's.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = process.argv[2];
const esbuild = createRequire(join(root, 'package.json'))('esbuild');
const BKEND = join(root, 'snippets', 'bkend.js');

function pagePlugin(siblings, shareHelper) {
  return {
    name: 'page-blocks',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => ({ path: args.path, external: true }));
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        const name = basename(args.path);
        if (name === 'bkend.js') {
          return shareHelper ? { path: pathToFileURL(BKEND).href, external: true } : { path: BKEND };
        }
        if (name in siblings) return { path: name, namespace: 'block' };
        return { errors: [{ text: `no block titled ${name} on this page (imported as ${args.path})` }] };
      });
      build.onLoad({ filter: /.*/, namespace: 'block' }, (args) => ({
        contents: siblings[args.path],
        loader: args.path.endsWith('x') ? 'jsx' : 'js',
        resolveDir: root,
      }));
    },
  };
}

const blocks = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const block of blocks) {
  try {
    const out = await esbuild.build({
      stdin: { contents: block.code, loader: block.loader, resolveDir: root, sourcefile: block.id },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      jsx: 'transform',
      logLevel: 'silent',
      plugins: [pagePlugin(block.siblings, Boolean(block.shareHelper))],
    });
    results.push({ id: block.id, errors: [], bundle: out.outputFiles[0].text });
  } catch (error) {
    const errors = (error.errors || [{ text: String(error) }]).map(
      (e) => (e.location ? `${e.location.line}:${e.location.column}: ${e.text}` : e.text));
    results.push({ id: block.id, errors, bundle: null });
  }
}
process.stdout.write(JSON.stringify(results));
