/**
 * RegistryStore on SQLite. A submission is committed in ONE `BEGIN IMMEDIATE` transaction (ITI TF-2
 * §3.42.4.1.3: all objects are accepted or none); unique keys decide races between submissions
 * (security.md §4.2 R6). Status lives in a column and is copied into the returned model.
 *
 * The `ebrim` column caches each object's stored ebRIM form (registry/ports.ts STORED_EBRIM). It is filled
 * by the first LeafClass answer, not at registration: writing 6 KB more per DocumentEntry in the commit cost
 * 0.2–0.4 CPU-ms per ITI-42 registration and doubled the store, while only queried objects need it.
 */
import type { Statement } from 'better-sqlite3';
import { ConflictError } from '../../errors';
import type { Association, DocumentEntry, Folder, RegistryObject, SubmissionSet } from '../../metadata/model';
import {
  attachStoredEbrim,
  type AssociationCriteria,
  type DocumentEntryCriteria,
  type DocumentRow,
  type EbrimToKeep,
  type FolderCriteria,
  type QueryOptions,
  type RegistryCommit,
  type RegistryStore,
  type SubmissionSetCriteria,
} from '../../registry/ports';
import { dtmKey } from '../dtm-key';
import { GroupCommit } from './group-commit';
import { canonicalSize } from '../object-index';
import { indexObject, type ObjectIndex } from '../object-index';
import { sqliteCode, type Db } from './db-sqlite';
import {
  associationWhere,
  codesColumn,
  documentEntryWhere,
  folderWhere,
  listColumn,
  submissionSetWhere,
  type SqlWhere,
} from './registry-query-sqlite';

export type ExplainQuery =
  | { readonly documentEntries: DocumentEntryCriteria }
  | { readonly submissionSets: SubmissionSetCriteria }
  | { readonly folders: FolderCriteria }
  | { readonly associations: AssociationCriteria };

function whereOf(q: ExplainQuery): SqlWhere {
  if ('documentEntries' in q) return documentEntryWhere(q.documentEntries);
  if ('submissionSets' in q) return submissionSetWhere(q.submissionSets);
  if ('folders' in q) return folderWhere(q.folders);
  return associationWhere(q.associations);
}

interface Row {
  readonly json: string;
  readonly status: string;
  /** Absent when not selected (QueryOptions.storedEbrim off). */
  readonly ebrim?: string | null;
}

const insertObjectSql = `INSERT INTO objects (id, kind, uid_group, unique_id, patient_id, status, type, assoc_source,
  assoc_target, ss_source_id, t_creation, t_service_start, t_service_stop, t_submission, t_last_update, fingerprint, json,
  codes, author_persons, reference_ids)
  VALUES (@id, @kind, @uidGroup, @uniqueId, @patientId, @status, @type, @assocSource, @assocTarget, @ssSourceId,
  @creation, @serviceStart, @serviceStop, @submission, @lastUpdate, @fingerprint, @json, @codes, @authorPersons, @referenceIds)`;

/** Only if still absent, and for a folder only if lastUpdateTime is still the one the form was made from. */
const keepEbrimSql = `UPDATE objects SET ebrim = @ebrim WHERE id = @id AND ebrim IS NULL
  AND (kind <> 'Folder' OR json ->> '$.lastUpdateTime' IS @lastUpdate)`;

/** Stored forms written per event-loop turn: bounds the time one write takes from other requests. */
const KEEP_PER_TURN = 25;

/** The model with the status column (RPLC changes it after registration) and, when read, the stored ebRIM. */
function toModel<T extends RegistryObject>(row: Row): T {
  const o = JSON.parse(row.json) as { availabilityStatus: string };
  o.availabilityStatus = row.status;
  return row.ebrim === undefined ? (o as unknown as T) : attachStoredEbrim(o as unknown as T, row.ebrim);
}

const COLUMNS = 'o.json, o.status, o.ebrim';
const COLUMNS_WITHOUT_EBRIM = 'o.json, o.status';

export class SqliteRegistryStore implements RegistryStore {
  private readonly statements = new Map<string, Statement>();
  private readonly commits: GroupCommit<RegistryCommit>;
  private readonly keeping: { readonly item: EbrimToKeep; readonly done: (err?: unknown) => void }[] = [];
  private keepScheduled = false;

  /**
   * `documentRows` writes RegistryCommit.documents inside the registration's transaction: the document
   * store's row writer on the same database (open-sqlite.ts). Without it such a commit is refused.
   */
  constructor(
    private readonly db: Db,
    private readonly documentRows?: (rows: readonly DocumentRow[]) => void,
  ) {
    this.commits = new GroupCommit(db, (change: RegistryCommit) => this.apply(change));
  }

  private stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      if (this.statements.size > 500) this.statements.clear();
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  commit(change: RegistryCommit): Promise<void> {
    return this.commits.submit(change);
  }

  private apply(change: RegistryCommit): void {
    const statusOf = this.stmt('SELECT status FROM objects WHERE id = ?');
    for (const p of change.preconditions) {
      const row = statusOf.get(p.id) as { status: string } | undefined;
      if (row?.status !== p.status) throw new ConflictError('precondition', p.id);
    }
    for (const o of change.objects) this.insert(o, change.fingerprint);
    const setStatus = this.stmt('UPDATE objects SET status = ? WHERE id = ?');
    for (const u of change.statusUpdates) {
      if (setStatus.run(u.status, u.id).changes !== 1) throw new ConflictError('precondition', u.id);
    }
    // lastUpdateTime is inside the folder's ebRIM: drop the stored form, the next LeafClass answer keeps a new one.
    const setFolderTime = this.stmt(
      `UPDATE objects SET t_last_update = ?, json = json_set(json, '$.lastUpdateTime', ?), ebrim = NULL WHERE id = ? AND kind = 'Folder'`,
    );
    for (const f of change.folderUpdates) {
      if (setFolderTime.run(dtmKey(f.lastUpdateTime), f.lastUpdateTime, f.id).changes !== 1) {
        throw new ConflictError('precondition', f.id);
      }
    }
    if (change.documents?.length) {
      if (!this.documentRows) throw new Error('this registry store was opened without the document store: it cannot write document rows');
      this.documentRows(change.documents);
    }
  }

  private insert(o: RegistryObject, fingerprint: string): void {
    const ix = indexObject(o);
    try {
      this.stmt(insertObjectSql).run(objectParams(ix, o, fingerprint));
    } catch (err) {
      const code = sqliteCode(err);
      if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new ConflictError('entryUuid', o.id, { cause: err });
      if (code === 'SQLITE_CONSTRAINT_UNIQUE') throw new ConflictError('uniqueId', ix.uniqueId ?? o.id, { cause: err });
      throw err;
    }
    if (o.kind === 'DocumentEntry' && o.uniqueId !== undefined) this.claimDocumentUid(o.uniqueId, o.hash, o.size);
  }

  /**
   * A DocumentEntry uniqueId is bound to one (hash, size) for good: a second entry with the same uniqueId
   * is accepted only when both are identical (ITI TF-2b §3.42.4.1.3.4), otherwise ConflictError('uniqueId').
   */
  private claimDocumentUid(uniqueId: string, hash: string | undefined, size: string | undefined): void {
    const h = hash?.toLowerCase() ?? null;
    const claimed = this.stmt('INSERT INTO document_uids (unique_id, hash, size) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    if (claimed.run(uniqueId, h, canonicalSize(size)).changes === 1) return;
    const row = this.stmt('SELECT hash, size FROM document_uids WHERE unique_id = ?').get(uniqueId) as { hash: string | null; size: string | null };
    if (row.hash !== h || row.size !== canonicalSize(size)) throw new ConflictError('uniqueId', uniqueId);
  }

  private find<T extends RegistryObject>(where: SqlWhere, o: QueryOptions): T[] {
    const sql = `SELECT ${o.storedEbrim ? COLUMNS : COLUMNS_WITHOUT_EBRIM} FROM objects o WHERE ${where.sql} ORDER BY o.rowid LIMIT ?`;
    return (this.stmt(sql).all(...where.params, o.limit + 1) as Row[]).map((r) => toModel<T>(r));
  }

  /** The query plan of a criteria set (EXPLAIN QUERY PLAN lines), for index checks in tests. */
  explain(q: ExplainQuery): string[] {
    const w = whereOf(q);
    const sql = `EXPLAIN QUERY PLAN SELECT ${COLUMNS} FROM objects o WHERE ${w.sql} ORDER BY o.rowid LIMIT ?`;
    return (this.db.prepare(sql).all(...w.params, 10) as { detail: string }[]).map((r) => r.detail);
  }

  async findDocumentEntries(c: DocumentEntryCriteria, o: QueryOptions): Promise<DocumentEntry[]> {
    return this.find<DocumentEntry>(documentEntryWhere(c), o);
  }

  async findSubmissionSets(c: SubmissionSetCriteria, o: QueryOptions): Promise<SubmissionSet[]> {
    return this.find<SubmissionSet>(submissionSetWhere(c), o);
  }

  async findFolders(c: FolderCriteria, o: QueryOptions): Promise<Folder[]> {
    return this.find<Folder>(folderWhere(c), o);
  }

  async findAssociations(c: AssociationCriteria, o: QueryOptions): Promise<Association[]> {
    return this.find<Association>(associationWhere(c), o);
  }

  async getByIds(ids: readonly string[]): Promise<RegistryObject[]> {
    const sql = `SELECT ${COLUMNS} FROM objects o WHERE o.id IN (SELECT value FROM json_each(?)) ORDER BY o.rowid`;
    return (this.stmt(sql).all(JSON.stringify(ids)) as Row[]).map((r) => toModel(r));
  }

  keepStoredEbrim(items: readonly EbrimToKeep[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let left = items.length;
      let failure: unknown;
      const done = (err?: unknown) => {
        if (err !== undefined) failure ??= err;
        if (--left === 0) (failure === undefined ? resolve() : reject(failure));
      };
      for (const item of items) this.keeping.push({ item, done });
      if (!this.keepScheduled) {
        this.keepScheduled = true;
        setImmediate(() => this.flushKept());
      }
    });
  }

  /**
   * Writes up to KEEP_PER_TURN kept forms in one transaction, committed without fsync: a cache, and in WAL
   * mode the next durable commit syncs these frames anyway. Dropped when the store was closed meanwhile.
   */
  private flushKept(): void {
    const batch = this.keeping.splice(0, KEEP_PER_TURN);
    this.keepScheduled = this.keeping.length > 0;
    if (this.keepScheduled) setImmediate(() => this.flushKept());
    let err: unknown;
    try {
      if (this.db.open) this.writeKept(batch.map((b) => b.item));
    } catch (e) {
      err = e ?? new Error('keeping stored ebRIM failed');
    }
    for (const b of batch) b.done(err);
  }

  private writeKept(items: readonly EbrimToKeep[]): void {
    const keep = this.stmt(keepEbrimSql);
    const level = this.db.pragma('synchronous', { simple: true }) as number;
    this.db.pragma('synchronous = NORMAL');
    try {
      this.db.transaction(() => {
        for (const { object: o, ebrim } of items) {
          const lastUpdate = o.kind === 'Folder' ? (o.lastUpdateTime ?? null) : null;
          keep.run({ id: o.id, ebrim, lastUpdate });
        }
      }).immediate();
    } finally {
      this.db.pragma(`synchronous = ${level}`);
    }
  }

  async getSubmissionFingerprint(submissionSetUniqueId: string): Promise<string | undefined> {
    const sql = `SELECT fingerprint FROM objects WHERE uid_group = 'SubmissionSet' AND unique_id = ?`;
    const row = this.stmt(sql).get(submissionSetUniqueId) as { fingerprint: string | null } | undefined;
    return row?.fingerprint ?? undefined;
  }
}

function objectParams(ix: ObjectIndex, o: RegistryObject, fingerprint: string): Record<string, unknown> {
  return {
    id: ix.id,
    kind: ix.kind,
    uidGroup: (ix.kind === 'SubmissionSet' || ix.kind === 'Folder') && ix.uniqueId !== undefined ? ix.kind : null,
    uniqueId: ix.uniqueId ?? null,
    patientId: ix.patientId ?? null,
    status: ix.status,
    type: ix.type ?? null,
    assocSource: ix.assocSource ?? null,
    assocTarget: ix.assocTarget ?? null,
    ssSourceId: ix.ssSourceId ?? null,
    creation: ix.times.creationTime ?? null,
    serviceStart: ix.times.serviceStartTime ?? null,
    serviceStop: ix.times.serviceStopTime ?? null,
    submission: ix.times.submissionTime ?? null,
    lastUpdate: ix.times.lastUpdateTime ?? null,
    fingerprint: ix.kind === 'SubmissionSet' ? fingerprint : null,
    json: JSON.stringify({ ...o, availabilityStatus: ix.status }),
    codes: codesColumn(ix.codes),
    authorPersons: listColumn(ix.authorPersons),
    referenceIds: listColumn(ix.referenceIds),
  };
}
