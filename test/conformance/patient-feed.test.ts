import { expect } from 'chai';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { validateXML, memoryPages, type XMLFileInfo } from 'xmllint-wasm';
import { iti44AddMessage, iti44Feed, newPatientId, parseCx, RUN_AUTHORITY } from '../../src/conformance/patient-feed';
import { testPki } from '../support/pki';
import { startPeer } from './peer-double';

const HL7 = join(__dirname, '../../../shared/conformance/schemas/hl7v3/NE2008');

describe('conformance: patient feed', () => {
  it('invents fresh CX patient IDs under the runner authority', () => {
    const a = newPatientId();
    expect(a).to.match(new RegExp(`^TS[0-9A-F]{12}\\^\\^\\^&${RUN_AUTHORITY.replace(/\./g, '\\.')}&ISO$`));
    expect(newPatientId()).to.not.equal(a);
    expect(parseCx(a).authority).to.equal(RUN_AUTHORITY);
    expect(() => parseCx('abc')).to.throw(/not a CX/);
  });

  (existsSync(HL7) ? it : it.skip)('builds a PRPA_IN201301UV02 that is valid against the HL7v3 NE2008 schema', async function () {
    this.timeout(20_000);
    const files: XMLFileInfo[] = [];
    for (const d of ['coreschemas', 'multicacheschemas']) {
      for (const f of readdirSync(join(HL7, d))) {
        if (d === 'coreschemas' || /^(PRPA_IN201301UV02|PRPA_MT201301UV02|MCCI_MT000100UV01|MFMI_MT700701UV01|COCT_|MCAI_)/.test(f)) {
          files.push({ fileName: `${d}/${f}`, contents: readFileSync(join(HL7, d, f), 'utf8') });
        }
      }
    }
    const schema = files.find((f) => f.fileName === 'multicacheschemas/PRPA_IN201301UV02.xsd') as XMLFileInfo;
    const r = await validateXML({
      xml: [{ fileName: 'feed.xml', contents: iti44AddMessage('P1^^^&1.2.3&ISO') }],
      schema,
      preload: files.filter((f) => f !== schema),
      maxMemoryPages: 1024 * memoryPages.MiB,
    });
    expect(r.errors.map((e) => e.rawMessage)).to.deep.equal([]);
  });

  it('feeds over ITI-44 with mutual TLS and accepts only an AA acknowledgement', async () => {
    const peer = await startPeer();
    try {
      const pki = testPki();
      const tls = { ca: Buffer.from(pki.ca.cert), cert: Buffer.from(pki.client.cert), key: Buffer.from(pki.client.key) };
      await iti44Feed(`${peer.url}/pix`, tls).add('P9^^^&1.2.3&ISO');
      expect([...peer.patients]).to.deep.equal(['P9^^^&1.2.3&ISO']);
      peer.switches.faultOn = 'urn:hl7-org:v3:PRPA_IN201301UV02';
      let err: Error | undefined;
      await iti44Feed(`${peer.url}/pix`, tls).add('P8^^^&1.2.3&ISO').catch((e: Error) => (err = e));
      expect(err?.message).to.match(/ITI-44 feed of P8.*SOAP Fault/);
      const noClientCert = await iti44Feed(`${peer.url}/pix`, { ca: tls.ca }).add('P7^^^&1.2.3&ISO').then(() => 'ok', (e: Error) => e.message);
      expect(noClientCert).to.not.equal('ok');
    } finally {
      await peer.close();
    }
  });
});
