import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config/load-config';

function problem(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('config/loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const c = loadConfig({});
    expect(c).to.deep.include({
      port: 8443,
      adminPort: 9090,
      adminHost: '127.0.0.1',
      dataDir: './data',
      logLevel: 'info',
      patientIdCheck: 'on',
      codeValidation: 'off',
      maxEnvelopeBytes: 20 * 1024 * 1024,
      maxDocumentBytes: 1024 * 1024 * 1024,
      maxQueryResults: 5000,
      shutdownTimeoutMs: 10000,
      pendingBlobMaxAgeMs: 3_600_000,
      maxInFlight: 256,
      mllpPort: 2575,
      pixUpdateSubscribers: [],
      pixV3UpdateSubscribers: [],
    });
    expect(c.remoteRegistry).to.equal(undefined);
    expect(c.tls).to.equal(undefined);
    expect(c.mongodbUri).to.equal(undefined);
    expect(c.repositoryUniqueId).to.equal(undefined);
  });

  it('returns a frozen object', () => {
    const c = loadConfig({});
    expect(Object.isFrozen(c)).to.equal(true);
    expect(() => {
      (c as { port: number }).port = 1;
    }).to.throw(TypeError);
  });

  it('reads every variable', () => {
    const c = loadConfig({
      PORT: '0',
      ADMIN_PORT: '9191',
      DATA_DIR: '/var/lib/tessera',
      MONGODB_URI: 'mongodb://a:27017,b:27017/tessera?replicaSet=rs0',
      TLS_CA: '/ca.pem',
      TLS_CERT: '/cert.pem',
      TLS_KEY: '/key.pem',
      LOG_LEVEL: 'debug',
      PATIENT_ID_CHECK: 'off',
      AFFINITY_CODES: '/codes.xml',
      CODE_VALIDATION: 'warn',
      REPOSITORY_UNIQUE_ID: '1.3.6.1.4.1.21367.2010.1.2.1125',
      MAX_ENVELOPE_BYTES: '1048576',
      MAX_DOCUMENT_BYTES: '5000000',
      MAX_QUERY_RESULTS: '10',
      SHUTDOWN_TIMEOUT_MS: '0',
      PENDING_BLOB_MAX_AGE_MS: '60000',
      MAX_IN_FLIGHT: '32',
      MLLP_PORT: '2576',
      MLLP_MAX_MESSAGE_BYTES: '65536',
      MLLP_IDLE_TIMEOUT_MS: '5000',
      PIX_UPDATE_SUBSCRIBERS: 'pix-consumer.example:3600/EHR/HOSP, 10.1.2.3:2575',
      PIX_V3_UPDATE_SUBSCRIBERS: 'https://pix-consumer.example:8443/pix/consumer, https://10.1.2.4:443',
      REGISTRY_URL: 'https://registry.example:8443/xds/registry',
      REGISTRY_TLS_CA: '/r-ca.pem',
      REGISTRY_TLS_CERT: '/r-cert.pem',
      REGISTRY_TLS_KEY: '/r-key.pem',
    });
    expect(c).to.deep.equal({
      port: 0,
      adminPort: 9191,
      adminHost: '127.0.0.1',
      dataDir: '/var/lib/tessera',
      mongodbUri: 'mongodb://a:27017,b:27017/tessera?replicaSet=rs0',
      tls: { caPath: '/ca.pem', certPath: '/cert.pem', keyPath: '/key.pem' },
      logLevel: 'debug',
      patientIdCheck: 'off',
      affinityCodesPath: '/codes.xml',
      codeValidation: 'warn',
      repositoryUniqueId: '1.3.6.1.4.1.21367.2010.1.2.1125',
      maxEnvelopeBytes: 1048576,
      maxDocumentBytes: 5000000,
      maxQueryResults: 10,
      shutdownTimeoutMs: 0,
      pendingBlobMaxAgeMs: 60000,
      maxInFlight: 32,
      mllpPort: 2576,
      mllpMaxMessageBytes: 65536,
      mllpIdleTimeoutMs: 5000,
      pixUpdateSubscribers: [
        { host: 'pix-consumer.example', port: 3600, application: 'EHR', facility: 'HOSP', domains: [] },
        { host: '10.1.2.3', port: 2575, application: 'PIX_CONSUMER', facility: 'PIX_CONSUMER', domains: [] },
      ],
      pixV3UpdateSubscribers: ['https://pix-consumer.example:8443/pix/consumer', 'https://10.1.2.4:443'],
      remoteRegistry: {
        url: 'https://registry.example:8443/xds/registry',
        tls: { caPath: '/r-ca.pem', certPath: '/r-cert.pem', keyPath: '/r-key.pem' },
      },
    });
  });

  it('defaults CODE_VALIDATION to enforce when AFFINITY_CODES is set', () => {
    expect(loadConfig({ AFFINITY_CODES: '/codes.xml' }).codeValidation).to.equal('enforce');
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: ' ' }).port).to.equal(8443);
  });

  const invalid: [NodeJS.ProcessEnv, string, RegExp][] = [
    [{ PIX_UPDATE_SUBSCRIBERS: 'nohost' }, 'PIX_UPDATE_SUBSCRIBERS', /host:port/],
    [{ PIX_V3_UPDATE_SUBSCRIBERS: 'http://consumer:80/pix' }, 'PIX_V3_UPDATE_SUBSCRIBERS', /https:\/\/host:port\/path/],
    [{ PIX_V3_UPDATE_SUBSCRIBERS: 'https://consumer:99999/pix' }, 'PIX_V3_UPDATE_SUBSCRIBERS', /https/],
    [{ MAX_IN_FLIGHT: '0' }, 'MAX_IN_FLIGHT', /at least 1/],
    [{ REGISTRY_URL: 'http://r/x' }, 'REGISTRY_URL', /https/],
    [{ PORT: 'abc' }, 'PORT', /whole number/],
    [{ PORT: '65536' }, 'PORT', /at most 65535/],
    [{ PORT: '-1' }, 'PORT', /whole number/],
    [{ ADMIN_PORT: '1.5' }, 'ADMIN_PORT', /whole number/],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL', /one of .*info/],
    [{ PATIENT_ID_CHECK: 'yes' }, 'PATIENT_ID_CHECK', /one of on, off/],
    [{ CODE_VALIDATION: 'strict', AFFINITY_CODES: '/c.xml' }, 'CODE_VALIDATION', /one of enforce, warn, off/],
    [{ CODE_VALIDATION: 'enforce' }, 'CODE_VALIDATION', /needs AFFINITY_CODES/],
    [{ MONGODB_URI: 'http://localhost' }, 'MONGODB_URI', /mongodb:\/\//],
    [{ REPOSITORY_UNIQUE_ID: '1.2.03' }, 'REPOSITORY_UNIQUE_ID', /OID/],
    [{ REPOSITORY_UNIQUE_ID: `1.${'2'.repeat(70)}` }, 'REPOSITORY_UNIQUE_ID', /64/],
    [{ MAX_ENVELOPE_BYTES: '10' }, 'MAX_ENVELOPE_BYTES', /at least 1024/],
    [{ MAX_DOCUMENT_BYTES: '0' }, 'MAX_DOCUMENT_BYTES', /at least 1/],
    [{ MAX_QUERY_RESULTS: 'many' }, 'MAX_QUERY_RESULTS', /whole number/],
    [{ SHUTDOWN_TIMEOUT_MS: '1e4' }, 'SHUTDOWN_TIMEOUT_MS', /whole number/],
    [{ TLS_CA: '/ca.pem', TLS_KEY: '/key.pem' }, 'TLS_CERT', /together/],
  ];
  for (const [env, variable, message] of invalid) {
    it(`rejects ${JSON.stringify(env)} naming ${variable}`, () => {
      const err = problem(env);
      expect(err.variable).to.equal(variable);
      expect(err.message).to.match(message);
      expect(err.message).to.contain(variable);
      expect(err.message).to.not.contain('\n');
    });
  }

  it('ignores unrelated variables', () => {
    expect(loadConfig({ HOME: '/root', PATH: '/bin' }).port).to.equal(8443);
  });
});
