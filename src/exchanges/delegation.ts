import { formBody } from './form-body';
import { postDelegation } from './delegation-post';
import type { Exchange } from './exchange';

/**
 * Auth0's `/delegation` endpoint, as auth0.js v7 called it: v7's form body posted to
 * `https://{domain}/delegation`, answered with AWS credentials by the tenant's AWS add-on. The default
 * `exchange` of a `DelegationClient`.
 * @example
 * new DelegationClient({ clientID, domain, exchange: delegation() }); // the same as leaving it out
 */
export function delegation(): Exchange {
  return {
    id: 'delegation',
    exchange: (request, context) => postDelegation(context, formBody(request.fields), request.signal, request.secrets),
  };
}
