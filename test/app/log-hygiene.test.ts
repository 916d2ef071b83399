/**
 * Logs never contain document bodies or patient demographics (design.md convention 9): everything the
 * server logs at debug level while handling documents, demographics and broken input is captured and
 * searched for marker strings planted in those places.
 */
import { expect } from 'chai';
import { Writable } from 'node:stream';
import pino from 'pino';
import { startTestServer, postSoap, soapRequest, type TestServer } from '../support/server';
import { newPatient, singleDoc } from '../support/iti42';
import { pnrMetadata, provide } from '../repository/pnr';
import { feedMessage } from '../hl7v3/messages';
import { parseCx } from '../../src/metadata/hl7-types';
import { SoapAction } from '../../src/ebxml/vocabulary';

const BODY = 'BODYMARKER7731';
const NAME = 'Zorbanovitch';
const STREET = 'Quillonstrasse';

describe('app: logs carry no bodies or demographics', function () {
  this.timeout(60_000);
  let server: TestServer;
  let captured = '';

  before(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        captured += chunk.toString('utf8');
        done();
      },
    });
    server = await startTestServer({}, { log: pino({ level: 'debug' }, sink) });
  });
  after(async () => server?.stop());

  it('handles documents, demographics and broken input without logging them', async () => {
    const pid = newPatient();
    await server.deps.stores.patients.add(parseCx(pid)!);
    const withDemographics = (xml: string) => xml.replace('PID-8|F', `PID-5|${NAME}^Anna`);

    const ok = pnrMetadata(pid, [{}]);
    await provide(server, withDemographics(ok.xml), [{ id: 'Document01', bytes: Buffer.from(`<ClinicalDocument>${BODY}</ClinicalDocument>`) }]);
    const unknown = pnrMetadata(newPatient(), [{}]);
    await provide(server, withDemographics(unknown.xml), [{ id: 'Document01', bytes: Buffer.from(BODY), inline: true }]);
    await postSoap(server, '/xds/registry', soapRequest(SoapAction.iti42, withDemographics(singleDoc({ pid }).xml)));
    await postSoap(server, '/xds/registry', soapRequest(SoapAction.iti42, `<broken>${BODY} ${NAME}</wrong>`));
    await postSoap(server, '/pix', soapRequest(SoapAction.iti44Add, feedMessage('PRPA_IN201301UV02', {
      id: 'LOG-1', authority: '1.3.6.1.4.1.21367.13.20.1000', family: NAME, given: 'Anna', birth: '19800101', gender: 'F', street: `1 ${STREET}`, city: 'Springfield',
    })));

    expect(captured.length, 'the server did log these requests').to.be.greaterThan(500);
    expect(captured).to.contain('soap request');
    for (const marker of [BODY, NAME, STREET, '19800101']) expect(captured, marker).to.not.contain(marker);
  });
});
