/**
 * The repository's view of the Document Registry (ITI TF-2b §3.41.4.1.3: the repository forwards the
 * metadata, with hash, size and repositoryUniqueId set, as ITI-42). Two implementations: in process (same
 * server, same stores) and remote over SOAP/mTLS (registry-client-remote.ts).
 *
 * Errors the registry reports come back UNCHANGED (XDSUnknownPatientId, XDSPatientIdDoesNotMatch,
 * XDSRegistryMetadataError...): the Document Source must see what the registry said (NIST 11986), so the
 * in-process registry runs as the registry actor, exactly as a remote one would.
 */
import type { RegistryErrorEntry } from '../errors';
import type { Submission } from '../metadata/model';
import { registerSubmission, type RegisterDeps } from '../registry/register-submission';
import type { Deps, NodeIdentity } from '../transactions';
import type { DocumentRecord } from './ports';
import { registerDepsOf } from '../registry/handle-iti42';

export interface RegisterContext {
  /** The ITI-41 request's MessageID, for logs and the remote request's correlation. */
  readonly messageId?: string;
  /** The documents' rows, written in the registration's transaction (only when `writesDocumentRows`). */
  readonly documents?: readonly DocumentRecord[];
}

export interface RegistryClient {
  /**
   * True when register() writes RegisterContext.documents in the registration's own transaction: the
   * in-process registry, on the same stores as the document store. Then a submission and its documents
   * become visible together, with one commit, and there is nothing to withdraw.
   */
  readonly writesDocumentRows: boolean;
  /** Registers the submission; resolves with the warnings, throws XdsError with the registry's errors. */
  register(submission: Submission, ctx: RegisterContext): Promise<readonly RegistryErrorEntry[]>;
  /**
   * Best-effort compensation when the documents of a registered submission could not be stored:
   * deprecates the submission's DocumentEntries with these uniqueIds so nothing points at missing bytes.
   * Resolves false when this client cannot do it (a remote registry without Metadata Update).
   */
  withdraw(submissionSetUniqueId: string, documentUniqueIds: readonly string[]): Promise<boolean>;
}

/** Chooses the registry for a request; the default is the registry of this very server. */
export type RegistryClientOf = (deps: Deps, peer?: NodeIdentity) => RegistryClient;

export function inProcessRegistryClient(deps: RegisterDeps): RegistryClient {
  return {
    writesDocumentRows: true,
    register: (submission, ctx) => registerSubmission(submission, deps, { transaction: 'ITI-42', actor: 'registry', documents: ctx.documents }),
    withdraw: async (ssUid, docUids) => {
      const [ss] = await deps.registry.findSubmissionSets({ uniqueIds: [ssUid] }, { limit: 1 });
      if (!ss) return true; // nothing was registered
      const members = await deps.registry.findAssociations({ sourceIds: [ss.id], types: ['HasMember'] }, { limit: 10_000 });
      const targets = new Set(members.map((a) => a.targetId));
      const entries = await deps.registry.findDocumentEntries({ uniqueIds: [...docUids] }, { limit: 10_000 });
      const statusUpdates = entries
        .filter((d) => targets.has(d.id) && d.availabilityStatus === 'Approved')
        .map((d) => ({ id: d.id, status: 'Deprecated' as const }));
      if (statusUpdates.length === 0) return true;
      await deps.registry.commit({ objects: [], statusUpdates, folderUpdates: [], preconditions: [], fingerprint: '' });
      return true;
    },
  };
}

export const localRegistry: RegistryClientOf = (deps, peer) => inProcessRegistryClient(registerDepsOf(deps, peer));
