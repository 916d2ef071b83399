/** What a server has persisted in its DATA_DIR: row counts per SQLite table and document files. */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';

export interface Persisted {
  readonly rows: Readonly<Record<string, number>>;
  readonly files: readonly string[];
}

function listFiles(dir: string, root = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), root) : [relative(root, join(dir, e.name))],
  );
}

export function persisted(dataDir: string): Persisted {
  const db = new Database(join(dataDir, 'tessera.db'), { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as { name: string }[];
    const rows: Record<string, number> = {};
    for (const { name } of tables) {
      rows[name] = (db.prepare(`SELECT count(*) AS n FROM "${name.replace(/"/g, '""')}"`).get() as { n: number }).n;
    }
    return { rows, files: listFiles(join(dataDir, 'documents')).sort() };
  } finally {
    db.close();
  }
}
