import { expect } from '@open-wc/testing';
import { TokenSource, tokenFromJson } from '../../../src/live/token-source.js';
import { LiveError } from '../../../src/live/errors.js';

function stubFetch(handler: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>): () => void {
  const original = window.fetch;
  window.fetch = handler as typeof fetch;
  return () => {
    window.fetch = original;
  };
}

describe('TokenSource', () => {
  it('POSTs {model} with same-origin credentials and reads {token} or {name}', async () => {
    const seen: RequestInit[] = [];
    let answer: unknown = { token: 'auth_tokens/a' };
    const restore = stubFetch(async (_url, init) => {
      seen.push(init!);
      return new Response(JSON.stringify(answer), { headers: { 'content-type': 'application/json' } });
    });
    try {
      const source = new TokenSource({ tokenEndpoint: '/api/token' });
      expect(await source.next('gemini-x')).to.deep.equal({ value: 'auth_tokens/a', kind: 'token' });
      answer = { name: 'auth_tokens/b' };
      expect((await source.next('gemini-x')).value).to.equal('auth_tokens/b');
      expect(seen).to.have.length(2);
      expect(seen[0].method).to.equal('POST');
      expect(seen[0].credentials).to.equal('same-origin');
      expect(JSON.parse(seen[0].body as string)).to.deep.equal({ model: 'gemini-x' });
    } finally {
      restore();
    }
  });

  it('classifies endpoint failures as token-failed', async () => {
    const cases: Array<() => Promise<Response>> = [
      async () => new Response('nope', { status: 500 }),
      async () => new Response('not json'),
      async () => new Response(JSON.stringify({ other: 1 })),
      async () => {
        throw new TypeError('Failed to fetch');
      },
    ];
    for (const makeResponse of cases) {
      const restore = stubFetch(makeResponse);
      try {
        await new TokenSource({ tokenEndpoint: '/api/token' }).next('m');
        expect.fail('should have thrown');
      } catch (error) {
        expect(error).to.be.instanceOf(LiveError);
        expect((error as LiveError).detail.code).to.equal('token-failed');
        expect((error as LiveError).detail.recoverable).to.be.true;
      } finally {
        restore();
      }
    }
  });

  it('prefers tokenProvider over the endpoint and the key', async () => {
    let calls = 0;
    const source = new TokenSource({
      tokenProvider: async () => `auth_tokens/${(calls += 1)}`,
      tokenEndpoint: '/never',
      apiKey: 'key',
    });
    expect((await source.next('m')).value).to.equal('auth_tokens/1');
    expect((await source.next('m')).value).to.equal('auth_tokens/2');
  });

  it('uses the API key with a single warning, and fails clearly without credentials', async () => {
    const warnings: unknown[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      const source = new TokenSource({ apiKey: 'dev-key' });
      expect(await source.next('m')).to.deep.equal({ value: 'dev-key', kind: 'key' });
      await source.next('m');
      await new TokenSource({ apiKey: 'other' }).next('m');
      expect(warnings.length).to.be.at.most(1);
    } finally {
      console.warn = original;
    }
    try {
      await new TokenSource({}).next('m');
      expect.fail('should have thrown');
    } catch (error) {
      expect((error as LiveError).detail.code).to.equal('config-invalid');
    }
  });

  it('tokenFromJson ignores blank and non-string values', () => {
    expect(tokenFromJson({ token: '  ' })).to.be.undefined;
    expect(tokenFromJson({ token: 5, name: 'auth_tokens/x' })).to.equal('auth_tokens/x');
    expect(tokenFromJson(null)).to.be.undefined;
  });
});
