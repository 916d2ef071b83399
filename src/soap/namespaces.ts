/**
 * Namespaces of the transport layer, spelled once here; ebxml/vocabulary.ts re-exports the SOAP 1.2,
 * WS-Addressing and XOP ones so the layers above see one vocabulary (the transport imports nothing
 * from above it: design.md layering).
 */
export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
export const WSA_NS = 'http://www.w3.org/2005/08/addressing';
export const XOP_NS = 'http://www.w3.org/2004/08/xop/include';
/** SOAP 1.1 envelope namespace: seeing it means a VersionMismatch fault (SOAP 1.2 Part 1 §5.4.7). */
export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
/** WS-Security 1.0 header, understood so that a later XUA check can read it (ITI TF-2 §3.40). */
export const WSSE_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
/** WS-Addressing 1.0 §3.2: the anonymous address (reply on the same HTTP connection). */
export const WSA_ANONYMOUS = 'http://www.w3.org/2005/08/addressing/anonymous';
/** WS-Addressing 1.0 SOAP binding §6: the Action of every fault message. */
export const WSA_FAULT_ACTION = 'http://www.w3.org/2005/08/addressing/soap/fault';
/** SOAP 1.2 Part 1 §2.2: roles that target this node (no role attribute = ultimateReceiver). */
export const SOAP12_ROLE_NEXT = 'http://www.w3.org/2003/05/soap-envelope/role/next';
export const SOAP12_ROLE_ULTIMATE = 'http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver';
