/**
 * RegistryClient over the wire: ITI-42 as SOAP 1.2 with WS-Addressing (ITI TF-2x Appendix V) to a
 * registry at `url`, over mutual TLS (ATNA secure node, ITI TF-2a §3.19). The metadata is written back to
 * ebRIM from the model with hash, size and repositoryUniqueId set by the repository.
 *
 * A registry that cannot be reached (connection refused, TLS failure, timeout) → XDSRegistryNotAvailable
 * (ITI TF-3 Table 4.2.4.1-2); a RegistryResponse with errors → those errors, unchanged; anything else the
 * registry answers (a SOAP fault, garbage) → XDSRegistryError.
 */
import { randomUUID } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { XdsCode, XdsError, type RegistryErrorEntry, type Severity } from '../errors';
import type { Submission } from '../metadata/model';
import { NS, SoapAction } from '../ebxml/vocabulary';
import { writeRegistryObject } from '../ebxml/write-registry-object';
import { SOAP12_NS, WSA_ANONYMOUS, WSA_NS } from '../soap/namespaces';
import { childOf, childrenOf, escapeXml, parseXml, type XmlElement } from '../soap/xml';
import type { RegistryClient } from './registry-client';

export interface RemoteRegistryOptions {
  readonly url: string;
  /** PEM texts: the CA that signed the registry, and this node's client certificate and key. */
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
  readonly timeoutMs?: number;
  /** Cap on the registry's reply. Default 10 MiB. */
  readonly maxResponseBytes?: number;
}

export function submitObjectsRequest(s: Submission): string {
  const objects = [...s.submissionSets, ...s.documentEntries, ...s.folders, ...s.associations];
  return (
    `<lcm:SubmitObjectsRequest xmlns:lcm="${NS.lcm}" xmlns:rim="${NS.rim}"><rim:RegistryObjectList>` +
    objects.map(writeRegistryObject).join('') +
    '</rim:RegistryObjectList></lcm:SubmitObjectsRequest>'
  );
}

function envelope(url: string, body: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${SOAP12_NS}" xmlns:wsa="${WSA_NS}"><soap:Header>` +
    `<wsa:Action soap:mustUnderstand="true">${SoapAction.iti42}</wsa:Action>` +
    `<wsa:MessageID>urn:uuid:${randomUUID()}</wsa:MessageID>` +
    `<wsa:ReplyTo><wsa:Address>${WSA_ANONYMOUS}</wsa:Address></wsa:ReplyTo>` +
    `<wsa:To soap:mustUnderstand="true">${escapeXml(url)}</wsa:To>` +
    `</soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`
  );
}

function post(o: RemoteRegistryOptions, xml: string): Promise<{ status: number; text: string }> {
  const cap = o.maxResponseBytes ?? 10 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      o.url,
      {
        method: 'POST',
        ca: o.ca,
        cert: o.cert,
        key: o.key,
        timeout: o.timeoutMs ?? 30_000,
        headers: { 'Content-Type': `application/soap+xml; charset=UTF-8; action="${SoapAction.iti42}"` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > cap) res.destroy(new Error('registry reply too large'));
          else chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('registry did not answer in time')));
    req.on('error', reject);
    req.end(xml);
  });
}

function findDeep(el: XmlElement, ns: string, local: string): XmlElement | undefined {
  if (el.ns === ns && el.local === local) return el;
  for (const c of el.children) {
    const hit = findDeep(c, ns, local);
    if (hit) return hit;
  }
  return undefined;
}

/** The RegistryResponse's entries, or undefined when the reply is not one. */
function readReply(text: string): { success: boolean; entries: RegistryErrorEntry[] } | undefined {
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch {
    return undefined;
  }
  const body = childOf(root, SOAP12_NS, 'Body');
  const rr = body ? childOf(body, NS.rs, 'RegistryResponse') : undefined;
  if (!rr) return undefined;
  const list = childOf(rr, NS.rs, 'RegistryErrorList');
  const entries = (list ? childrenOf(list, NS.rs, 'RegistryError') : []).map((e) => ({
    errorCode: e.attrs.errorCode ?? '',
    codeContext: e.attrs.codeContext ?? '',
    severity: ((e.attrs.severity ?? '').endsWith('Warning') ? 'Warning' : 'Error') as Severity,
    ...(e.attrs.location ? { location: e.attrs.location } : {}),
  }));
  return { success: (rr.attrs.status ?? '').endsWith(':Success'), entries };
}

export function remoteRegistryClient(o: RemoteRegistryOptions): RegistryClient {
  return {
    writesDocumentRows: false,
    register: async (submission) => {
      let reply: { status: number; text: string };
      try {
        reply = await post(o, envelope(o.url, submitObjectsRequest(submission)));
      } catch (e) {
        throw new XdsError({ errorCode: XdsCode.RegistryNotAvailable, codeContext: `registry ${o.url} is not reachable`, severity: 'Error' }, { cause: e });
      }
      const parsed = readReply(reply.text);
      if (!parsed) {
        const fault = findDeep(safeParse(reply.text), SOAP12_NS, 'Text')?.text;
        throw XdsError.of(XdsCode.RegistryError, `registry ${o.url} answered HTTP ${reply.status} without a RegistryResponse${fault ? `: ${fault}` : ''}`);
      }
      if (!parsed.success) {
        const errors = parsed.entries.length > 0 ? parsed.entries : [{ errorCode: XdsCode.RegistryError, codeContext: 'registry answered Failure without errors', severity: 'Error' as const }];
        throw new XdsError(errors);
      }
      return parsed.entries;
    },
    // Withdrawing needs Metadata Update (ITI-57), which this client does not speak.
    withdraw: async () => false,
  };
}

function safeParse(text: string): XmlElement {
  try {
    return parseXml(text);
  } catch {
    return { ns: '', local: '', prefix: '', attrs: {}, children: [], text: '' };
  }
}
