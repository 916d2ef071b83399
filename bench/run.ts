/** `npm run bench -- <name>`: runs one benchmark script from bench/ (iti42 = B1). */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const SCRIPTS: Record<string, string> = { iti42: 'iti42-register.ts', serialise: 'serialise-leafclass.ts' };
const name = process.argv[2] ?? '';
const script = SCRIPTS[name];
if (!script) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(SCRIPTS).join('|')}>\n`);
  process.exit(2);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, script)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
