/**
 * The review queue's admin API on a real started server (loopback HTTP): items queued by real ITI-44 feeds,
 * link/distinct/unlink/unmerge, strict validation (400/405/413/415), 404, 409, the audit trail; 501 without a
 * cross-reference.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { createAdminServer } from '../../src/app/admin-server';
import { createMetrics } from '../../src/app/metrics';
import { SoapAction } from '../../src/ebxml/vocabulary';
import { feedMessage } from '../hl7v3/messages';
import { sendPix } from '../patient-identity/review-support';
import { startTestServer, type TestServer } from '../support/server';

const A = '1.2.840.1.1';
const B = '1.2.840.1.2';
const cx = (id: string, authority: string) => `${id}^^^&${authority}&ISO`;

describe('admin API: identity review queue', function () {
  this.timeout(60_000);
  let server: TestServer;
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tessera-admin-id-'));
    server = await startTestServer({ dataDir });
    const feed = async (spec: Parameters<typeof feedMessage>[1]) => {
      expect((await sendPix(server, SoapAction.iti44Add, feedMessage('PRPA_IN201301UV02', spec))).ack).to.equal('AA');
    };
    await feed({ id: 'a1', authority: A, family: 'Johnson', given: 'Margaret', birth: '19650412', gender: 'F', street: '12 Elm Street' });
    await feed({ id: 'b2', authority: B, family: 'Johnson', given: 'Margaret', birth: '19650430', gender: 'F', street: '12 Elm Street' });
    await feed({ id: 'a3', authority: A, family: 'Other', given: 'Person', birth: '19990101', gender: 'M', otherIds: [{ id: 'b3', authority: B }] });
  });
  after(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const admin = () => request(server.adminUrl);
  const post = (path: string, body?: object) => {
    const r = admin().post(path).set('X-Tessera-Operator', 'alice');
    return body ? r.send(body) : r;
  };

  it('lists the item a feed queued, with both sides and their demographics', async () => {
    const res = await admin().get('/identity/reviews').expect(200).expect('Content-Type', /application\/json/);
    expect(res.body.reviews).to.have.length(1);
    const [item] = res.body.reviews;
    expect(item.record).to.include({ id: cx('b2', B) });
    expect(item.candidate).to.include({ id: cx('a1', A) });
    expect(item.candidate.identifiers).to.include(cx('a1', A));
    expect(item.record.demographics.birthTime).to.equal('19650430');
    expect(item.score).to.be.a('number');
    await admin().get('/identity/reviews?limit=0').expect(200, { reviews: [] });
    for (const bad of ['limit=x', 'limit=1001', 'after=-1']) {
      expect((await admin().get(`/identity/reviews?${bad}`).expect(400)).body.error).to.match(/limit|after/);
    }
    await admin().post('/identity/reviews').expect(405);
  });

  it('validates decisions strictly: operator header, JSON body, ids; unknown routes and items are 404', async () => {
    const [item] = (await admin().get('/identity/reviews')).body.reviews;
    expect((await admin().post(`/identity/reviews/${item.id}/link`).expect(400)).body.error).to.match(/X-Tessera-Operator/i);
    await post(`/identity/reviews/${item.id}/link`, { reason: 'x' }).expect(400, { error: 'unexpected field "reason" (expected none)' });
    // DNS rebinding: a page that reached the loopback port under its own host name is refused.
    await post(`/identity/reviews/${item.id}/link`).set('Host', 'evil.example:9090').expect(403);
    await admin().get('/identity/reviews').set('Host', 'evil.example').expect(403);
    await post('/identity/unlink').set('Content-Type', 'text/plain').send('{"id":"x"}').expect(415);
    await post('/identity/unlink').set('Content-Type', 'application/json').send('{not json').expect(400, { error: 'body is not valid JSON' });
    await post('/identity/unlink', []).expect(400, { error: 'body must be a JSON object' });
    await post('/identity/unlink', { id: 5 }).expect(400, { error: 'field "id" must be a string' });
    expect((await post('/identity/unlink', {}).expect(400)).body.error).to.match(/"id" is required/);
    expect((await post('/identity/unlink', { id: 'b2^^^1.2' }).expect(400)).body.error).to.match(/invalid patient id/);
    await post('/identity/unlink', { id: cx('b2', B), x: 'y' }).expect(400);
    await post('/identity/unlink').set('Content-Type', 'application/json').send(`{"id":"${'x'.repeat(20_000)}"}`).expect(413);
    await post('/identity/reviews/abc/link').expect(404);
    await post('/identity/nothing').expect(404);
    await post('/identity/reviews/999999/link').expect(404, { error: 'no review item 999999' });
    await admin().get(`/identity/reviews/${item.id}/link`).expect(405);
    await post('/identity/unlink', { id: cx('zz', A) }).expect(404, { error: `unknown identifier: ${cx('zz', A)}` });
    // Nothing was decided: the item is still open.
    expect((await admin().get('/identity/reviews')).body.reviews).to.have.length(1);
  });

  it('link, then 409 on the resolved item; unlink and unmerge; every decision audited with the operator', async () => {
    const [item] = (await admin().get('/identity/reviews')).body.reviews;
    const linked = await post(`/identity/reviews/${item.id}/link`).expect(200);
    expect(linked.body).to.include({ decision: 'link', seq: item.id, record: cx('b2', B), candidate: cx('a1', A), changed: true, personId: item.candidate.person });
    expect((await post(`/identity/reviews/${item.id}/distinct`).expect(409)).body.error).to.match(/already resolved \(link by alice/);
    await admin().get('/identity/reviews').expect(200, { reviews: [] });

    const unlinked = await post('/identity/unlink', { id: cx('b3', B) }).expect(200);
    expect(unlinked.body).to.include({ decision: 'unlink', record: cx('b3', B) });
    expect(unlinked.body.minted).to.match(/\^\^\^&1\.3\.6\.1\.4\.1\.21367\.13\.20\.1000&ISO$/);
    expect(await server.deps.stores.patients.status({ id: unlinked.body.minted.split('^')[0], authority: '1.3.6.1.4.1.21367.13.20.1000' })).to.deep.equal({ state: 'active' });
    expect((await post('/identity/unmerge', { id: cx('a1', A) }).expect(409)).body.error).to.equal(`the identifier is not merged: ${cx('a1', A)}`);

    const audit = (await server.deps.stores.audit.recent(100)).filter((r) => r.eventTypeCode?.startsWith('identity-'));
    const decisions = audit.map((r) => [r.eventTypeCode, r.outcome, r.objects.find((o) => o.type === 'operator')?.id]).reverse();
    expect(decisions).to.deep.include.members([
      ['identity-link', 0, 'alice'],
      ['identity-distinct', 4, 'alice'],
      ['identity-unlink', 0, 'alice'],
      ['identity-unmerge', 4, 'alice'],
    ]);
    expect(audit.every((r) => r.eventId === '110110' && r.sourceNode !== undefined)).to.equal(true);
  });

  it('answers 501 when the store has no cross-reference', async () => {
    const bare = createAdminServer({ ready: true, store: 'mongodb', startedAt: Date.now() }, createMetrics());
    await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
      expect((await request(url).get('/identity/reviews').expect(501)).body.error).to.match(/not available/);
      await request(url).get('/health').expect(200);
    } finally {
      await new Promise((resolve) => bare.close(resolve));
    }
  });
});
