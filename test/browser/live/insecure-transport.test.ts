import { expect } from '@open-wc/testing';
import { warnIfInsecureTransport } from '../../../src/live/insecure-transport.js';

describe('warnIfInsecureTransport', () => {
  it('warns once when the token would go over ws:// to another machine, never for loopback or TLS', () => {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
    try {
      for (const safe of [
        undefined,
        'http://localhost:8080',
        'http://app.localhost',
        'http://127.0.0.1:9000/base',
        'http://[::1]:9000',
        'https://live.example.com',
        'not a url',
      ]) {
        warnIfInsecureTransport(safe);
      }
      expect(warnings).to.deep.equal([]);
      warnIfInsecureTransport('http://192.168.1.20:8081');
      warnIfInsecureTransport('http://live.example.com');
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.contain('http://192.168.1.20:8081').and.to.contain('unencrypted');
    } finally {
      console.warn = warn;
    }
  });
});
