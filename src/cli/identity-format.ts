/**
 * Readable text for `tessera identity` from the admin API's JSON (admin-identity.ts). Demographics are shown
 * to the operator on their terminal only; the server never logs them.
 */

interface Name {
  readonly family?: readonly string[];
  readonly given?: readonly string[];
}
interface Address {
  readonly streetAddressLine?: readonly string[];
  readonly city?: string;
  readonly postalCode?: string;
}
interface Side {
  readonly id: string;
  readonly person: string | null;
  readonly identifiers: readonly string[];
  readonly mergedInto?: string;
  readonly demographics: { names?: readonly Name[]; birthTime?: string; gender?: string; addresses?: readonly Address[] } | null;
}
interface Item {
  readonly id: number;
  readonly score: number;
  readonly time: string;
  readonly record: Side;
  readonly candidate: Side;
}

const join = (parts: readonly (string | undefined)[], sep = ' ') => parts.filter((p) => p && p.trim()).join(sep);

function demographics(d: Side['demographics']): string {
  if (!d) return '(no demographics: known only as another id)';
  const name = d.names?.[0];
  const address = d.addresses?.[0];
  return join([
    name ? join([(name.family ?? []).join(' ').toUpperCase(), (name.given ?? []).join(' ')], ', ') : '(no name)',
    d.birthTime ? `born ${d.birthTime}` : undefined,
    d.gender ? `sex ${d.gender}` : undefined,
    address ? `addr ${join([...(address.streetAddressLine ?? []), address.city, address.postalCode], ', ')}` : undefined,
  ], '  ');
}

function side(label: string, s: Side): string {
  const others = s.identifiers.filter((i) => i !== s.id);
  return (
    `  ${label.padEnd(9)} ${s.id}${s.mergedInto ? ` (merged into ${s.mergedInto})` : ''}\n` +
    `            ${demographics(s.demographics)}\n` +
    `            person ${s.person ?? '(none)'}${others.length ? `; with ${others.join(', ')}` : ''}\n`
  );
}

export function formatReviews(body: Record<string, unknown>): string {
  const items = (body.reviews ?? []) as readonly Item[];
  if (items.length === 0) return 'no open review items\n';
  const lines = items.map((i) => {
    const score = i.score < 0 ? 'identifier conflict (a feed named ids of two persons)' : `score ${i.score.toFixed(1)}`;
    return `review ${i.id}  ${score}  queued ${i.time}\n${side('record', i.record)}${side('candidate', i.candidate)}`;
  });
  return `${lines.join('\n')}\n${items.length} open item(s); decide with: tessera identity link|distinct <review-id>\n`;
}

export function formatOutcome(b: Record<string, unknown>): string {
  const s = (k: string) => String(b[k] ?? '');
  switch (b.decision) {
    case 'link':
      return b.changed
        ? `review ${s('seq')}: linked ${s('record')} to ${s('candidate')}: person ${s('personId')} (was ${s('previousPersonId')})\n`
        : `review ${s('seq')}: ${s('record')} and ${s('candidate')} were already one person (${s('personId')}); item resolved\n`;
    case 'distinct':
      return `review ${s('seq')}: ${s('record')} and ${s('candidate')} marked as different patients\n`;
    case 'unlink':
      return `unlinked ${s('record')} from ${s('previousPersonId')}: new person ${s('personId')}\n`;
    case 'unmerge':
      return `unmerged ${s('obsolete')} (was merged into ${s('survivor')}): person ${s('personId')}\n`;
    default:
      return `${JSON.stringify(b)}\n`;
  }
}
