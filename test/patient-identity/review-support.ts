/** Helpers for the review-queue tests: HL7v3 messages to a running server. */
import { NS } from '../../src/ebxml/vocabulary';
import { childOf, parseXml } from '../../src/soap/xml';
import { parseReply, type ParsedReply } from '../hl7v3/responses';
import { postSoap, soapRequest, type TestServer } from '../support/server';

/** Sends an HL7v3 message to the running server's /pix endpoint and reads the reply (in soap:Body). */
export async function sendPix(server: Pick<TestServer, 'url' | 'ca' | 'cert' | 'key'>, action: string, body: string): Promise<ParsedReply> {
  const res = await postSoap(server, '/pix', soapRequest(action, body));
  const env = parseXml(res.text);
  return parseReply(childOf(env, NS.soap12, 'Body')!.children[0]!);
}
