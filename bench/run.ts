/** `npm run bench -- <name>`: runs one benchmark script from bench/ (iti42 = B1, iti41 = B2/B3, iti18 = B4/B5, iti43 = B6, b7 = B7 PIX/PDQ; threads = per-thread CPU split of B2 30 KB). */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const SCRIPTS: Record<string, string> = {
  profile42: 'profile-iti42.ts',
  iti42: 'iti42-register.ts',
  iti41: 'iti41-ingest.ts',
  iti18: 'iti18-query.ts',
  iti43: 'iti43-retrieve.ts',
  serialise: 'serialise-leafclass.ts',
  profile: 'profile-hotspots.ts',
  b7: 'b7-identity.ts',
  threads: 'thread-split.ts',
  tail: 'open-tail.ts',
  alloc: 'alloc-profile.ts',
};
const name = process.argv[2] ?? '';
const script = SCRIPTS[name];
if (!script) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(SCRIPTS).join('|')}>\n`);
  process.exit(2);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, script)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
