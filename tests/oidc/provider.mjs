// A real OpenID Connect provider for the sign-in tests, on 127.0.0.1 only: authorization code
// with PKCE (required), one confidential client `guichet`. Its development login page takes any
// login, which becomes the account: `julie@ecole-a.test` signs in as that email (verified), with
// a name made from it. The port and the client's redirect address come from the environment.
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const redirect = process.env.REDIRECT_URI;
if (!port || !redirect) {
  console.error('PORT and REDIRECT_URI are required');
  process.exit(2);
}

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: 'guichet',
    client_secret: process.env.CLIENT_SECRET || 'secret-de-test-oidc',
    redirect_uris: [redirect],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        const unverified = id.startsWith('unverified.');
        return {
          sub: id,
          email: id,
          email_verified: !unverified,
          name: id.split('@')[0].replace(/[._]/g, ' '),
        };
      },
    };
  },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['cle-de-test-des-cookies'] },
});
provider.proxy = false;
// DELAY_MS: the discovery, keys, token and userinfo endpoints answer that much later, and each
// call is written to stdout as it starts (`> GET /me`) and ends (`< GET /me`), so a test can
// look at Guichet while it waits for the provider.
const delay = Number(process.env.DELAY_MS || 0);
const slow = new Set(['/.well-known/openid-configuration', '/jwks', '/token', '/me']);
provider.use(async (ctx, next) => {
  const watched = delay > 0 && slow.has(ctx.path);
  if (watched) {
    console.log(`> ${ctx.method} ${ctx.path}`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  await next();
  if (watched) console.log(`< ${ctx.method} ${ctx.path}`);
});
provider.listen(port, '127.0.0.1', () => console.log(`oidc provider on http://127.0.0.1:${port}`));
