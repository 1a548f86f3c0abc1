// A real OpenID provider for the tests: the certified `oidc-provider` package (installed by
// .ci/run into target/oidc; this file is copied next to its node_modules and run there), with
// its development login and consent pages. It signs with a key it makes at start, listens on
// a free port of 127.0.0.1 and prints {"issuer": …} as its first line. Its accounts and client
// come from the JSON file named on the command line. One addition for the tests of forged
// tokens: POST /forge {claims, key: "provider"|"other", kid, alg} answers a token signed as
// asked — with the provider's own key, or with another one — so a test can present tokens the
// real provider's published keys must refuse; GET /last-redirect answers the last redirect
// back to a client, code and state included, for a test that replays it.
import fs from 'node:fs';
import http from 'node:http';
import Provider from 'oidc-provider';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const own = await generateKeyPair('RS256', { extractable: true });
const other = await generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await exportJWK(own.privateKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: config.clients,
  jwks: { keys: [jwk] },
  async findAccount(ctx, id) {
    const account = config.accounts[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: `subject-${id}`, preferred_username: id, ...account };
      },
    };
  },
  claims: {
    openid: ['sub'],
    profile: ['preferred_username', 'locale'],
    traject: ['roles', 'team', 'org'],
  },
  scopes: ['openid', 'profile', 'traject'],
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['a test provider, not a secret'] },
});
provider.on('server_error', (ctx, err) => console.error('provider error:', err));

async function forge(req, res) {
  let body = '';
  for await (const chunk of req) body += chunk;
  const ask = JSON.parse(body);
  const key = ask.key === 'other' ? other.privateKey : own.privateKey;
  const token = await new SignJWT(ask.claims)
    .setProtectedHeader({ alg: ask.alg || 'RS256', kid: ask.kid || 'key-1' })
    .sign(key);
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(token);
}

// The last redirect back to a client (its code and state), so a test can replay it.
let lastRedirect = '';
const redirectUris = config.clients.flatMap((c) => c.redirect_uris);
const callback = provider.callback();
server.on('request', (req, res) => {
  if (req.method === 'POST' && req.url === '/forge') {
    forge(req, res).catch((e) => { res.writeHead(500); res.end(String(e)); });
  } else if (req.method === 'GET' && req.url === '/last-redirect') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(lastRedirect);
  } else {
    const setHeader = res.setHeader.bind(res);
    res.setHeader = (name, value) => {
      if (String(name).toLowerCase() === 'location'
          && redirectUris.some((uri) => String(value).startsWith(uri))) {
        lastRedirect = String(value);
      }
      return setHeader(name, value);
    };
    callback(req, res);
  }
});
console.log(JSON.stringify({ issuer }));
