// A real OpenID provider on loopback for the KCC single sign-on tests (tests/sso/).
//
//   node server.js CONFIG.json
//
// CONFIG.json (written by the test fixture, tests/sso/provider.py):
//   { "port": 0, "issuer": "http://127.0.0.1:<port>",       (port 0: pick a free one)
//     "jwks": { "keys": [<private RSA JWK>] },               signing keys
//     "clients": [ { client_id, client_secret, redirect_uris, post_logout_redirect_uris } ],
//     "users": { "<login>": { sub, email, given_name, family_name, preferred_username, groups } },
//     "ttl": { "IdToken": 3600, "AccessToken": 3600, ... } }
//
// The provider's own login and consent pages are oidc-provider's development interactions:
// any login that is a key of "users" signs in (the password is not checked), others are refused.
// On start it prints one line "listening <issuer>" on stdout.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const users = config.users || {};
const bySub = Object.fromEntries(Object.values(users).map((user) => [user.sub, user]));

const server = createServer();
server.listen(config.port || 0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = config.issuer || `http://127.0.0.1:${port}`;

  const provider = new Provider(issuer, {
    clients: config.clients.map((client) => ({
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      ...client,
    })),
    jwks: config.jwks,
    cookies: { keys: ['kcc-test-provider-cookie-key'] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
      groups: ['groups'],
    },
    // Tokens carry what the scope grants; the relying party also reads the userinfo endpoint.
    conformIdTokenClaims: true,
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    pkce: { required: () => false },
    ttl: {
      AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, Interaction: 600, Session: 3600, Grant: 3600,
      ...(config.ttl || {}),
    },
    async findAccount(ctx, id) {
      // devInteractions sign in with the typed login; tokens and userinfo look up the sub.
      const user = users[id] || bySub[id];
      if (!user) {
        return undefined;
      }
      return {
        accountId: user.sub,
        async claims() {
          return {
            sub: user.sub,
            email: user.email,
            email_verified: true,
            name: [user.given_name, user.family_name].filter(Boolean).join(' '),
            given_name: user.given_name,
            family_name: user.family_name,
            preferred_username: user.preferred_username,
            groups: user.groups || [],
          };
        },
      };
    },
  });
  provider.on('server_error', (ctx, err) => console.error('server_error', err));
  provider.on('end_session.error', (ctx, err) => console.error('end_session.error', err, err.cause));

  server.on('request', provider.callback());
  console.log(`listening ${issuer}`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
