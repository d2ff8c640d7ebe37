// Script-tag entry for pages written for auth0.js v7: the SDK on `Auth0AwsDelegation`, and the v7
// facade on `window.Auth0` unless the page already has one (a real auth0.js loaded first wins).
import { Auth0 } from '../v7/facade';

export * from '../index';

const root = globalThis as { Auth0?: unknown };
if (root.Auth0 === undefined) root.Auth0 = Auth0;
