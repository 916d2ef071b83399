/**
 * Time-ordered UUIDs (version 7, RFC 9562 §5.7) for the ids the server assigns (entryUUIDs, message ids).
 *
 * Why not v4: a registered object's entryUUID is the primary key of its row and appears in the association
 * indexes. Random keys land on random B-tree pages, so each registration dirtied pages all over those indexes;
 * keys that grow with time append to the last pages instead (session 3, in process: WAL pages per ITI-42
 * registration 12.1 → 7.1). The id reveals when it was made, which the object's own metadata already says.
 * Layout: 48-bit Unix milliseconds, version 7, 12 random bits, variant 10, 62 random bits.
 */
import { randomUUID } from 'node:crypto';

export function uuidV7(nowMs: number = Date.now()): string {
  const random = randomUUID().replace(/-/g, ''); // v4: position 12 is the version, 16 the variant
  const variant = ((parseInt(random[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = `${nowMs.toString(16).padStart(12, '0')}7${random.slice(13, 16)}${variant}${random.slice(17)}`;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
