/**
 * readSoapRequest on a real node:http IncomingMessage: an over-cap chunked upload is answered with 413
 * while the client is still sending, and the server stays usable afterwards.
 */
import { expect } from 'chai';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SoapFaultError } from '../../src/errors';
import { readSoapRequest } from '../../src/soap/read-request';
import { bytes, envelope, hashingSink, include, mtomHeaders, multipart, ROOT_TYPE, type PartSpec } from './helpers';

const B = 'MIMEBoundary_http';

function post(port: number, headers: Record<string, string>, chunks: Iterable<Buffer>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ port, method: 'POST', path: '/', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    const it = chunks[Symbol.iterator]();
    const pump = (): void => {
      for (let n = it.next(); !n.done; n = it.next()) if (!req.write(n.value)) return void req.once('drain', pump);
      req.end();
    };
    pump();
  });
}

describe('soap/read-request over node:http', () => {
  let server: Server;
  let port: number;
  before(async () => {
    server = createServer((req, res) => {
      readSoapRequest({ headers: req.headers, stream: req }, { maxEnvelopeBytes: 64 * 1024, maxAttachmentBytes: 256 * 1024, attachmentSink: hashingSink }).then(
        (r) => res.writeHead(200).end(r.action),
        (e: SoapFaultError) => res.writeHead(e.httpStatus, { connection: 'close' }).end(e.code),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('answers 413 to an over-cap MTOM upload and then serves the next request', async () => {
    const body = `<t:Req xmlns:t="urn:test"><t:D>${include('cid:big@x')}</t:D></t:Req>`;
    const parts: PartSpec[] = [
      { headers: { 'Content-Type': ROOT_TYPE, 'Content-ID': '<r@x>' }, body: envelope({ body }) },
      { headers: { 'Content-ID': '<big@x>' }, body: () => bytes(8 * 1024 * 1024) },
    ];
    const status = await post(port, mtomHeaders(B), multipart(B, parts));
    expect(status).to.equal(413);
    const ok = await post(port, { 'content-type': 'application/soap+xml' }, [Buffer.from(envelope())]);
    expect(ok).to.equal(200);
  });
});
