/**
 * Opens `<dataDir>/tessera.db` and brings its schema up to date (PRAGMA user_version).
 *
 * Durability: WAL with `synchronous = FULL`. In WAL mode NORMAL only fsyncs at checkpoints, so a power
 * loss can drop the last acknowledged commits; FULL fsyncs the WAL on every commit, which is what
 * "nothing acknowledged is ever lost" (security.md §4.1) needs. The cost is one fsync per submission.
 */
import Database from 'better-sqlite3';
import { likeToRegExp } from '../like-pattern';
import { DROP_COARSE_BLOCKING_SQL, IDENTITY_COMPARABLES_SQL, IDENTITY_SCHEMA_SQL, IDENTITY_SEARCH_SQL, REVIEW_SCHEMA_SQL } from './identity-sqlite';
import { REGISTRY_WRITE_INDEXES_SQL } from './registry-query-sqlite';

export type Db = Database.Database;

/** Each entry migrates from user_version = index to index + 1. */
const migrations: readonly string[] = [
  `
  CREATE TABLE objects (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    uid_group TEXT,
    unique_id TEXT,
    patient_id TEXT,
    status TEXT NOT NULL,
    type TEXT,
    assoc_source TEXT,
    assoc_target TEXT,
    ss_source_id TEXT,
    t_creation TEXT,
    t_service_start TEXT,
    t_service_stop TEXT,
    t_submission TEXT,
    t_last_update TEXT,
    fingerprint TEXT,
    json TEXT NOT NULL
  );
  -- SubmissionSet and Folder uniqueIds appear once. A DocumentEntry uniqueId may be registered again only
  -- with identical hash and size (ITI TF-2b §3.42.4.1.3.4): document_uids below decides that.
  CREATE UNIQUE INDEX objects_package_uid ON objects (uid_group, unique_id) WHERE uid_group IS NOT NULL;
  CREATE INDEX objects_unique_id ON objects (unique_id);
  CREATE TABLE document_uids (unique_id TEXT PRIMARY KEY, hash TEXT, size TEXT);
  CREATE INDEX objects_patient ON objects (kind, patient_id, status);
  CREATE INDEX objects_assoc_source ON objects (assoc_source) WHERE assoc_source IS NOT NULL;
  CREATE INDEX objects_assoc_target ON objects (assoc_target) WHERE assoc_target IS NOT NULL;
  CREATE TABLE codes (
    object_id TEXT NOT NULL REFERENCES objects(id),
    field TEXT NOT NULL,
    code TEXT NOT NULL,
    scheme TEXT NOT NULL
  );
  CREATE INDEX codes_object ON codes (object_id, field, code, scheme);
  CREATE INDEX codes_value ON codes (field, code, scheme);
  CREATE TABLE author_persons (object_id TEXT NOT NULL REFERENCES objects(id), person TEXT NOT NULL);
  CREATE INDEX author_persons_object ON author_persons (object_id);
  CREATE TABLE reference_ids (object_id TEXT NOT NULL REFERENCES objects(id), ref TEXT NOT NULL);
  CREATE INDEX reference_ids_object ON reference_ids (object_id, ref);
  CREATE INDEX reference_ids_ref ON reference_ids (ref);

  CREATE TABLE documents (
    repository_uid TEXT NOT NULL,
    document_uid TEXT NOT NULL,
    blob_id TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    sha1 TEXT NOT NULL,
    size INTEGER NOT NULL,
    PRIMARY KEY (repository_uid, document_uid)
  );
  CREATE INDEX documents_sha1 ON documents (sha1);

  CREATE TABLE patient_ids (id TEXT NOT NULL, authority TEXT NOT NULL, PRIMARY KEY (id, authority));
  CREATE TABLE patient_merges (
    from_id TEXT NOT NULL, from_authority TEXT NOT NULL,
    into_id TEXT NOT NULL, into_authority TEXT NOT NULL,
    PRIMARY KEY (from_id, from_authority)
  );
  CREATE INDEX patient_merges_into ON patient_merges (into_id, into_authority);

  CREATE TABLE audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, json TEXT NOT NULL);
  `,
  IDENTITY_SCHEMA_SQL,
  // Lookups always say `kind = ?`: without kind first, the planner walks objects_patient(kind) over every
  // object of that kind for uniqueId and association lookups (found by bench/iti18-query.ts, BENCHMARKS.md).
  `
  CREATE INDEX objects_kind_id ON objects (kind, id);
  CREATE INDEX objects_kind_unique_id ON objects (kind, unique_id);
  CREATE INDEX objects_kind_assoc_source ON objects (kind, assoc_source);
  CREATE INDEX objects_kind_assoc_target ON objects (kind, assoc_target);
  DROP INDEX objects_unique_id;
  DROP INDEX objects_assoc_source;
  DROP INDEX objects_assoc_target;
  `,
  // Migration 3: a cache of each object's ebRIM text without home and status (writeStoredEbrim), written by the
  // first LeafClass answer, so later answers concatenate instead of serialising (BENCHMARKS.md hot spot 3).
  // NULL until then (and after a folder update); registry-sqlite.ts explains why not at registration.
  `
  ALTER TABLE objects ADD COLUMN ebrim TEXT;
  `,
  // Migration 4: compound blocking keys and indexed PDQ name + birth date columns (identity-sqlite.ts; issue 6 B7).
  IDENTITY_SEARCH_SQL,
  // Migration 5: review decisions and distinct pairs (the review queue, src/patient-identity/review-queue.ts).
  REVIEW_SCHEMA_SQL,
  // Migration 6: drop the indexes of the coarse blocking keys nothing reads any more.
  DROP_COARSE_BLOCKING_SQL,
  // Migration 7, identity comparables: packed match fields and the day year-key (identity-sqlite.ts; issue 6 B7 feed).
  IDENTITY_COMPARABLES_SQL,
  // Migration 8, registry write indexes: fewer B-trees per registered object (registry-query-sqlite.ts; issue 3 B1).
  REGISTRY_WRITE_INDEXES_SQL,
  // Migration 9: small documents' bytes inside the database, written with their rows (documents-sqlite.ts; issue 5 B2).
  `
  CREATE TABLE document_contents (sha1 TEXT PRIMARY KEY, bytes BLOB NOT NULL);
  `,
];

export const schemaVersion = migrations.length;

/** LIKE with the project's semantics (like-pattern.ts), shared with MongoDB. Compiled patterns are cached. */
function registerFunctions(db: Db): void {
  const cache = new Map<string, RegExp>();
  db.function('tessera_like', { deterministic: true }, (value: unknown, pattern: unknown) => {
    if (typeof value !== 'string' || typeof pattern !== 'string') return 0;
    let re = cache.get(pattern);
    if (!re) {
      if (cache.size > 1000) cache.clear();
      re = likeToRegExp(pattern);
      cache.set(pattern, re);
    }
    return re.test(value) ? 1 : 0;
  });
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > schemaVersion) {
    throw new Error(`tessera.db has schema version ${current}, newer than this server (${schemaVersion})`);
  }
  for (let v = current; v < schemaVersion; v++) {
    db.transaction(() => {
      db.exec(migrations[v]);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}

const WAL_SIZE_LIMIT = 64 * 1024 * 1024;

/**
 * `autoCheckpoint: false`: this connection never checkpoints the WAL itself; a Checkpointer does it on a
 * worker thread (checkpointer.ts). Every connection of the file must say so, or its commits still would.
 */
export function openDb(file: string, o: { readonly synchronous?: 'FULL' | 'NORMAL'; readonly autoCheckpoint?: boolean } = {}): Db {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${o.synchronous ?? 'FULL'}`);
    if (o.autoCheckpoint === false) db.pragma('wal_autocheckpoint = 0');
    // A WAL that grew in a burst is cut back to this size when it is next rewound (checkpointer.ts).
    db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
    // Concurrent writers (a second process on the same file) wait instead of failing at once.
    db.pragma('busy_timeout = 10000');
    db.pragma('foreign_keys = ON');
    registerFunctions(db);
    migrate(db);
    // Lets SQLite gather planner statistics where they are missing or stale (sqlite.org/lang_analyze.html).
    db.pragma('optimize = 0x10002');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** better-sqlite3 error codes for constraint violations. */
export function sqliteCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}
