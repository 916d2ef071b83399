/**
 * The MLLP/TLS listener with real clients: medplum's Hl7Connection over a mutual-TLS socket, node-hl7-client
 * (a second, independent implementation), and a raw framing client for what well-behaved clients never
 * send (split frames, bytes outside frames, oversize, garbage, silence). Also ITI-10: a feed that changes a
 * person's identifiers reaches a subscriber (itself an MLLP/TLS listener) as ADT^A31.
 */
import { expect } from 'chai';
import { connect, type TLSSocket } from 'node:tls';
import { Hl7Message } from '@medplum/core';
import { Hl7Connection } from '@medplum/hl7';
import { Client, Message } from 'node-hl7-client';
import { sendMllp, startMllpServer, type RunningMllpServer } from '../../src/app/mllp-server';
import { parseEr7, type V2Message } from '../../src/hl7v2/er7';
import { frame, MllpDecoder } from '../../src/hl7v2/mllp-frame';
import { testPki } from '../support/pki';
import { A, B, fixture, header, log, msg, openV2Env, type V2Env } from '../hl7v2/support';
import { feedMessage } from '../hl7v3/messages';

const pki = testPki();
const serverTls = { ca: pki.ca.cert, cert: pki.server.cert, key: pki.server.key };
const clientTls = { ca: pki.ca.cert, cert: pki.client.cert, key: pki.client.key };

function open(port: number, tls: { ca: string; cert?: string; key?: string } = clientTls): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, servername: 'localhost', ...tls }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Writes the chunks, collects `n` framed replies (or fewer if the server closes), then ends. */
function exchange(port: number, chunks: readonly Buffer[], n: number): Promise<{ replies: V2Message[]; closedByServer: boolean }> {
  return open(port).then(
    (s) =>
      new Promise((resolve) => {
        const dec = new MllpDecoder(1 << 20);
        const replies: V2Message[] = [];
        let done = false;
        const finish = (closedByServer: boolean) => {
          if (done) return;
          done = true;
          s.destroy();
          resolve({ replies, closedByServer });
        };
        s.on('data', (c: Buffer) => {
          for (const e of dec.push(c)) if (e.kind === 'frame') replies.push(parseEr7(e.data.toString('utf8')));
          if (replies.length >= n) finish(false);
        });
        s.on('end', () => finish(true));
        s.on('close', () => finish(true));
        s.on('error', () => finish(true));
        void (async () => {
          for (const c of chunks) {
            s.write(c);
            await new Promise((r) => setTimeout(r, 5));
          }
        })();
      }),
  );
}

const framed = (text: string) => frame(Buffer.from(text, 'utf8'));

describe('MLLP/TLS server', () => {
  let t: V2Env;
  let server: RunningMllpServer;
  let subscriber: RunningMllpServer;
  const notifications: string[] = [];

  before(async () => {
    subscriber = await startMllpServer({
      port: 0,
      host: '127.0.0.1',
      tls: serverTls,
      log,
      maxMessageBytes: 1 << 20,
      idleTimeoutMs: 5000,
      handle: async ({ text }) => {
        notifications.push(text);
        const id = parseEr7(text).segment('MSH')!.get(10);
        return msg('MSH|^~\\&|SUB|SUB|TESSERA|TESSERA|20261124||ACK^A31^ACK|r1|P|2.5', `MSA|AA|${id}`);
      },
    });
    t = await openV2Env({
      notify: {
        subscribers: [{ host: 'localhost', port: subscriber.port, application: 'PIX_CONSUMER', facility: 'HOSP_C', domains: [A, B] }],
        send: (to, m) => sendMllp(to, m, clientTls),
      },
    });
    server = await startMllpServer({ port: 0, host: '127.0.0.1', tls: serverTls, handle: t.service.handle, log, maxMessageBytes: 16 * 1024, idleTimeoutMs: 800 });
  });
  after(async () => {
    await server.close();
    await subscriber.close();
    await t.close();
  });

  it('medplum Hl7Connection over mutual TLS: ITI-8 A01 → ACK AA, then ITI-9 on the same connection', async () => {
    const conn = new Hl7Connection(await open(server.port));
    try {
      const ack = await conn.sendAndWait(Hl7Message.parse(fixture('adt-a01.hl7')));
      expect(ack.getSegment('MSA')!.getField(1).toString()).to.equal('AA');
      expect(ack.getSegment('MSA')!.getField(2).toString()).to.equal('A01-0001');
      expect(await t.env.stores.patients.status({ id: 'PA-1001', authority: A })).to.deep.equal({ state: 'active' });
      await conn.sendAndWait(Hl7Message.parse(fixture('adt-a01-hospital-b.hl7')));
      const rsp = await conn.sendAndWait(Hl7Message.parse(fixture('qbp-q23.hl7')));
      expect(rsp.getSegment('QAK')!.getField(2).toString()).to.equal('OK');
      expect(rsp.getSegment('PID')!.getField(3).getComponent(1)).to.equal('PB-77');
    } finally {
      await conn.close();
    }
  });

  it('node-hl7-client over TLS: ITI-21 query answered with RSP^K22', async () => {
    const client = new Client({ host: '127.0.0.1', tls: { ...clientTls, servername: 'localhost' } });
    const reply = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reply')), 8000);
      const conn = client.createConnection({ port: server.port, maxConnectionAttempts: 3 }, async (res) => {
        clearTimeout(timer);
        resolve(res.getMessage().toString());
        await conn.close();
      });
      conn.on('client.error', reject);
      void conn.sendMessage(new Message({ text: fixture('qbp-q22.hl7') }));
    });
    const rsp = parseEr7(reply);
    expect(rsp.segment('MSH')!.get(9, 2)).to.equal('K22');
    expect(rsp.segment('MSA')!.get(2)).to.equal('Q22-0001');
    expect(rsp.segment('QAK')!.get(2)).to.equal('OK');
    expect(rsp.segment('PID')!.get(3)).to.equal('PA-1001');
  });

  it('several messages in one write, a frame split byte by byte, and bytes outside frames', async () => {
    const m1 = framed(msg(header('QBP^Q23^QBP_Q21', 'multi-1'), `QPD|IHE PIX Query|M1|PA-1001^^^&${A}&ISO`));
    const m2 = framed(msg(header('QBP^Q23^QBP_Q21', 'multi-2'), `QPD|IHE PIX Query|M2|PB-77^^^&${B}&ISO`));
    const m3 = framed(msg(header('QBP^Q23^QBP_Q21', 'multi-3'), `QPD|IHE PIX Query|M3|NOPE^^^&${B}&ISO`));
    const bytes = [...m3].map((b) => Buffer.from([b]));
    const { replies } = await exchange(server.port, [Buffer.from('noise\r\n'), Buffer.concat([m1, Buffer.from('junk'), m2]), ...bytes], 3);
    expect(replies.map((r) => r.segment('MSA')!.get(2))).to.deep.equal(['multi-1', 'multi-2', 'multi-3']);
    expect(replies.map((r) => r.segment('QAK')!.get(2))).to.deep.equal(['OK', 'OK', 'AE']);
  });

  it('a start block inside an unfinished frame restarts the frame', async () => {
    const partial = Buffer.from('\x0bMSH|^~\\&|half a message');
    const whole = framed(msg(header('QBP^Q23^QBP_Q21', 'restart-1'), `QPD|IHE PIX Query|R1|PA-1001^^^&${A}&ISO`));
    const { replies } = await exchange(server.port, [partial, whole], 1);
    expect(replies[0]!.segment('MSA')!.get(2)).to.equal('restart-1');
  });

  it('a frame with MSH but a broken body gets AR/AE; a frame without MSH closes the connection', async () => {
    const { replies } = await exchange(server.port, [framed('MSH|^~\\&|A|B|C|D|2026||ADT^A01^ADT_A01|BRK-1|P|2.5\rP\x01D|||x')], 1);
    expect(replies[0]!.segment('MSA')!.get(2)).to.equal('BRK-1');
    expect(['AE', 'AR']).to.include(replies[0]!.segment('MSA')!.get(1));
    const closed = await exchange(server.port, [framed('\x00\xff garbage, no header')], 1);
    expect(closed.replies).to.have.length(0);
    expect(closed.closedByServer).to.equal(true);
    // The server is unharmed.
    const again = await exchange(server.port, [framed(msg(header('QBP^Q23^QBP_Q21', 'alive'), `QPD|IHE PIX Query|AL|PA-1001^^^&${A}&ISO`))], 1);
    expect(again.replies[0]!.segment('MSA')!.get(1)).to.equal('AA');
  });

  it('a message larger than the maximum gets AR (code 207) and the connection is closed', async () => {
    const big = msg(header('ADT^A01^ADT_A01', 'BIG-1'), `PID|||X1^^^&${A}&ISO||${'A'.repeat(20_000)}^B`);
    const { replies, closedByServer } = await exchange(server.port, [framed(big)], 2);
    expect(replies).to.have.length(1);
    expect(replies[0]!.segment('MSA')!.get(1)).to.equal('AR');
    expect(replies[0]!.segment('MSA')!.get(2)).to.equal('BIG-1');
    expect(replies[0]!.segment('ERR')!.get(3)).to.equal('207');
    expect(closedByServer).to.equal(true);
  });

  it('an idle connection is closed after the idle timeout', async () => {
    const s = await open(server.port);
    const started = Date.now();
    await new Promise((r) => s.once('close', r));
    expect(Date.now() - started).to.be.within(500, 5000);
  });

  it('refuses a client without a certificate and one from another CA', async () => {
    /** Resolves with what happened: the handshake failed, or the connection ended unanswered, or a reply. */
    const attempt = async (tls: { ca: string; cert?: string; key?: string }): Promise<'refused' | 'closed' | 'answered'> => {
      let s: TLSSocket;
      try {
        s = await open(server.port, tls);
      } catch {
        return 'refused';
      }
      // TLS 1.3: the server's alert arrives after the client's side of the handshake has completed.
      return new Promise((resolve) => {
        s.once('data', () => resolve('answered'));
        s.once('error', () => resolve('closed'));
        s.once('close', () => resolve('closed'));
        s.write(framed(msg(header('QBP^Q23^QBP_Q21', 'nocert'), `QPD|IHE PIX Query|NC|PA-1001^^^&${A}&ISO`)));
      });
    };
    expect(await attempt({ ca: pki.ca.cert })).to.be.oneOf(['refused', 'closed']);
    expect(await attempt({ ca: pki.ca.cert, cert: pki.otherClient.cert, key: pki.otherClient.key })).to.be.oneOf(['refused', 'closed']);
    expect(await attempt(clientTls)).to.equal('answered');
  });

  it('ITI-10: a feed that links a new identifier notifies the subscriber with ADT^A31', async () => {
    notifications.length = 0;
    const { replies } = await exchange(server.port, [framed(msg(header('ADT^A04^ADT_A01', 'n1'), `PID|||PB-900^^^&${B}&ISO||Notify^Nora||19900101|F`))], 1);
    expect(replies[0]!.segment('MSA')!.get(1)).to.equal('AA');
    await t.service.idle();
    expect(notifications).to.have.length(1);
    const a31 = parseEr7(notifications[0]!);
    expect([a31.segment('MSH')!.get(9, 1), a31.segment('MSH')!.get(9, 2), a31.segment('MSH')!.get(9, 3)]).to.deep.equal(['ADT', 'A31', 'ADT_A05']);
    expect(a31.segment('MSH')!.get(5)).to.equal('PIX_CONSUMER');
    expect(a31.segment('PID')!.reps(3).map((r) => `${r[0]![0]}|${r[3]![1]}`)).to.deep.equal([`PB-900|${B}`]);
    expect(a31.segment('PV1')!.get(2)).to.equal('N');
    // A revise with the same identifiers changes no cross-reference: no notification.
    await exchange(server.port, [framed(msg(header('ADT^A08^ADT_A01', 'n2'), `PID|||PB-900^^^&${B}&ISO||Notify^Nora B||19900101|F`))], 1);
    await t.service.idle();
    expect(notifications).to.have.length(1);
  });

  it('ITI-10 also follows HL7v3: an ITI-44 merge reaches the subscriber as ADT^A31', async () => {
    const [old, survivor] = [{ id: 'PB-910', authority: B }, { id: 'PB-911', authority: B }];
    await t.env.call(t.env.pix.iti44, feedMessage('PRPA_IN201301UV02', { ...old, family: 'Merge', given: 'Mia', birth: '19700101', gender: 'F' }));
    await t.env.call(t.env.pix.iti44, feedMessage('PRPA_IN201301UV02', { ...survivor, family: 'Merge', given: 'Mia', birth: '19700101', gender: 'F' }));
    await t.service.idle();
    notifications.length = 0;
    const ack = await t.env.call(t.env.pix.iti44, feedMessage('PRPA_IN201304UV02', { ...survivor, family: 'Merge', given: 'Mia' }, old));
    expect(ack).to.match(/<acknowledgement>\s*<typeCode code="AA"\s*\/>/);
    await t.service.idle();
    expect(notifications.length).to.be.greaterThanOrEqual(1);
    const a31 = parseEr7(notifications[notifications.length - 1]!);
    expect(a31.segment('MSH')!.get(9, 2)).to.equal('A31');
    const ids = a31.segment('PID')!.reps(3).map((r) => r[0]![0]);
    expect(ids).to.include('PB-911').and.not.include('PB-910');
  });
});
