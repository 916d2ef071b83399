/**
 * The per-source local-MRN → enterprise-id policy (src/registry/translate-patient-ids.ts) against a real
 * cross-reference: SubmissionSet/DocumentEntry/Folder patientId replaced, sourcePatientId keeps the local id,
 * unknown or merged-away local ids → XDSUnknownPatientId naming the object and the id.
 */
import { expect } from 'chai';
import { readSubmitObjectsRequest } from '../../src/ebxml/read-submit-objects';
import { XdsError } from '../../src/errors';
import type { Submission } from '../../src/metadata/model';
import { DEFAULT_IDENTITY_DOMAINS, NIST_AFFINITY_DOMAIN_OID, type IdentityDomains } from '../../src/patient-identity/domains';
import { emptyPatient, type Patient } from '../../src/patient-identity/model';
import { patientIdTranslatorFor, translatePatientIds } from '../../src/registry/translate-patient-ids';
import { parseXml } from '../../src/soap/xml';
import { folder, singleDoc } from '../support/iti42';
import { openIdentityEnv, type IdentityEnv } from '../patient-identity/support';

const A = '1.2.840.20.1';
const ENT = NIST_AFFINITY_DOMAIN_OID;
const cx = (id: string, oid: string) => `${id}^^^&${oid}&ISO`;
const ORIGINAL_SOURCE_ID = cx('MRN-7731', '1.3.6.1.4.1.21367.13.20.3000'); // the golden fixture's sourcePatientId

const DOMAINS: IdentityDomains = {
  ...DEFAULT_IDENTITY_DOMAINS,
  sources: [{ name: 'hospital-a', tls: { commonName: 'hospital-a' }, translateLocalIds: true }],
};

const person = (id: string, authority: string, family: string, extra: Partial<Patient> = {}): Patient => ({
  ...emptyPatient,
  ids: [{ id, authority }],
  names: [{ family: [family], given: ['Ann'] }],
  ...extra,
});

/** The golden submission (+ a folder) for `pid`, read as the registry reads it. */
function submission(pid: string, sourcePatientId?: string | null): Submission {
  const { xml } = singleDoc({ pid, extra: folder({ id: 'Folder01', uid: '1.2.3.99.1', pid }) });
  const s = readSubmitObjectsRequest(parseXml(xml), 'registry').submission;
  if (sourcePatientId === undefined) return s;
  const documentEntries = s.documentEntries.map((d) => ({ ...d, sourcePatientId: sourcePatientId ?? undefined }));
  return { ...s, documentEntries };
}

const patientIds = (s: Submission) => [...s.submissionSets, ...s.documentEntries, ...s.folders].map((o) => o.patientId);

describe('registry: translate local patient ids to enterprise ids', () => {
  let env: IdentityEnv;
  let minted = 0;
  beforeEach(async () => {
    env = await openIdentityEnv({ domains: DOMAINS, newId: () => `E${++minted}` });
  });
  afterEach(async () => env.close());

  it('replaces every patientId by the enterprise id; sourcePatientId keeps the local id (absent or equal) or the source\'s own', async () => {
    const { personId } = await env.pix.crossReference.feed(person('mrn-1', A, 'Doe'));
    const local = cx('mrn-1', A);
    expect(personId).to.equal(cx(`E${minted}`, ENT));

    const absent = await translatePatientIds(submission(local, null), env.pix.crossReference);
    expect(patientIds(absent)).to.deep.equal([personId, personId, personId]);
    expect(absent.documentEntries[0]!.sourcePatientId).to.equal(local);

    const equal = await translatePatientIds(submission(local, local), env.pix.crossReference);
    expect(equal.documentEntries[0]!.sourcePatientId).to.equal(local);

    const own = await translatePatientIds(submission(local), env.pix.crossReference);
    expect(own.documentEntries[0]!.sourcePatientId).to.equal(ORIGINAL_SOURCE_ID);
    expect(own.associations).to.deep.equal(submission(local).associations);
  });

  it('leaves ids of the enterprise domain alone', async () => {
    const s = submission(cx('E-known', ENT), null);
    const out = await translatePatientIds(s, env.pix.crossReference);
    expect(patientIds(out)).to.deep.equal([cx('E-known', ENT), cx('E-known', ENT), cx('E-known', ENT)]);
    expect(out.documentEntries[0]!.sourcePatientId).to.equal(undefined);
  });

  it('uses the enterprise id the person was fed with (asOtherIDs), not a minted one', async () => {
    await env.pix.crossReference.feed(person('mrn-2', A, 'Roe', { otherIds: [{ id: 'HIE-9', authority: ENT }] }));
    const out = await translatePatientIds(submission(cx('mrn-2', A)), env.pix.crossReference);
    expect(patientIds(out)).to.deep.equal([cx('HIE-9', ENT), cx('HIE-9', ENT), cx('HIE-9', ENT)]);
  });

  it('an unknown local id → XDSUnknownPatientId per object, naming the object and the id', async () => {
    const unknown = cx('nobody', A);
    try {
      await translatePatientIds(submission(unknown), env.pix.crossReference);
      expect.fail('must throw');
    } catch (err) {
      expect(err).to.be.instanceOf(XdsError);
      expect((err as XdsError).errors).to.deep.equal(
        ['SubmissionSet SubmissionSet01', 'DocumentEntry Document01', 'Folder Folder01'].map((o) => ({
          errorCode: 'XDSUnknownPatientId',
          codeContext: `${o}: patientId ${unknown} is not known to the patient identity cross-reference`,
          severity: 'Error',
        })),
      );
    }
  });

  it('a merged-away local id is refused as the registry refuses it untranslated', async () => {
    const xref = env.pix.crossReference;
    await xref.feed(person('old', A, 'Poe'));
    await xref.merge(person('new', A, 'Poe'), { id: 'old', authority: A });
    const err = await translatePatientIds(submission(cx('old', A)), xref).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(XdsError);
    expect((err as XdsError).errors[0]!.codeContext).to.equal(`SubmissionSet SubmissionSet01: patientId ${cx('old', A)} was merged into ${cx('new', A)}`);
  });

  it('a malformed patientId is left for the metadata rules', async () => {
    const s = submission('not-a-cx', null);
    expect(patientIds(await translatePatientIds(s, env.pix.crossReference))).to.deep.equal(['not-a-cx', 'not-a-cx', 'not-a-cx']);
  });

  it('patientIdTranslatorFor: only sources with the policy get a translator', async () => {
    const xref = env.pix.crossReference;
    expect(patientIdTranslatorFor(xref, { subject: 'CN=other', commonName: 'other' })).to.equal(undefined);
    const translate = patientIdTranslatorFor(xref, { subject: 'CN=hospital-a', commonName: 'hospital-a' })!;
    const { personId } = await xref.feed(person('mrn-3', A, 'Loe'));
    expect(patientIds(await translate(submission(cx('mrn-3', A))))).to.deep.equal([personId, personId, personId]);
  });
});
