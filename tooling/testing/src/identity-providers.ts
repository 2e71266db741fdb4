/** Identity providers on loopback for single sign-on tests: OpenID Connect and SAML 2.0. */
export { type IdpUser, startOidcProvider, type TestOidcProvider } from "./oidc-provider.js";
export {
  type AnswerOverrides,
  SAML_IDP_CERT,
  SAML_IDP_KEY,
  type SamlAnswer,
  startSamlProvider,
  type TestSamlProvider,
} from "./saml-provider.js";
