/**
 * PIX/PDQ through the real HTTPS server (mutual TLS, SOAP 1.2, WS-Addressing): the ITI-44/45/47 rows of
 * TRANSACTIONS with this folder's handlers attached, the registry's PatientIndex of the running server, and
 * the identity store on its own SQLite file.
 */
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { SoapAction } from '../../src/ebxml/vocabulary';
import { createPixHandlers, pixRowsByAction } from '../../src/patient-identity/create-pix-handlers';
import { TRANSACTIONS } from '../../src/transactions';
import { childOf, parseXml } from '../../src/soap/xml';
import { NS } from '../../src/ebxml/vocabulary';
import { feedMessage, pdqQueryMessage, pixQueryMessage } from '../hl7v3/messages';
import { parseReply } from '../hl7v3/responses';
import { postSoap, soapRequest, startTestServer, type TestServer } from '../support/server';
import { openIdentityDb } from './support';

const A = '1.2.840.1.1';
const B = '1.2.840.1.2';

describe('PIX/PDQ over the HTTPS server', () => {
  let server: TestServer;
  let db: Database.Database;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-pix-srv-'));
    const opened = openIdentityDb(join(dir, 'identity.db'));
    db = opened.db;
    const rows = pixRowsByAction(createPixHandlers(opened.identity));
    server = await startTestServer({}, { transactions: TRANSACTIONS.map((t) => ({ ...t, ...rows[t.action] })) });
  });

  after(async () => {
    await server?.stop();
    db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const send = async (path: '/pix' | '/pdq', action: string, body: string) => {
    const res = await postSoap(server, path, soapRequest(action, body));
    expect(res.status).to.equal(200);
    const env = parseXml(res.text);
    const header = childOf(env, NS.soap12, 'Header')!;
    const replyAction = childOf(header, NS.wsa, 'Action')?.text.trim();
    const payload = childOf(env, NS.soap12, 'Body')!.children[0]!;
    return { action: replyAction, reply: parseReply(payload) };
  };

  it('feeds two sources, merges, and queries PIX and PDQ; the registry index follows', async () => {
    const add1 = await send('/pix', SoapAction.iti44Add, feedMessage('PRPA_IN201301UV02', { id: 'p1', authority: A, family: 'Curie', given: 'Marie', birth: '18671107', gender: 'F' }));
    expect(add1.action).to.equal('urn:hl7-org:v3:MCCI_IN000002UV01');
    expect(add1.reply.ack).to.equal('AA');
    await send('/pix', SoapAction.iti44Add, feedMessage('PRPA_IN201301UV02', { id: 'q1', authority: B, family: 'CURIE', given: 'marie', birth: '18671107', gender: 'F' }));

    const pix = await send('/pix', SoapAction.iti45, pixQueryMessage({ id: 'p1', authority: A }, [B]));
    expect(pix.action).to.equal('urn:hl7-org:v3:PRPA_IN201310UV02');
    expect([pix.reply.ack, pix.reply.responseCode]).to.deep.equal(['AA', 'OK']);
    expect(pix.reply.patients[0]!.ids).to.deep.equal([{ id: 'q1', authority: B }]);

    await send('/pix', SoapAction.iti44Add, feedMessage('PRPA_IN201301UV02', { id: 'p0', authority: A, family: 'Sklodowska', given: 'Maria' }));
    const merge = await send('/pix', SoapAction.iti44Merge, feedMessage('PRPA_IN201304UV02', { id: 'p1', authority: A, family: 'Curie', given: 'Marie', birth: '18671107', gender: 'F' }, { id: 'p0', authority: A }));
    expect(merge.reply.ack).to.equal('AA');
    expect(await server.deps.stores.patients.status({ id: 'p0', authority: A })).to.deep.equal({ state: 'merged', survivor: { id: 'p1', authority: A } });

    const pdq = await send('/pdq', SoapAction.iti47, pdqQueryMessage({ family: 'Curie', birth: '1867' }));
    expect(pdq.action).to.equal('urn:hl7-org:v3:PRPA_IN201306UV02');
    expect([pdq.reply.ack, pdq.reply.responseCode, pdq.reply.patients.length]).to.deep.equal(['AA', 'OK', 1]);
  });
});
