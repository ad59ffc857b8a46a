// Every integration kind a receiver may name; the config loader and the dispatcher loop over
// this list, so adding an integration is its own file plus one line here.
import type { IntegrationType } from './integration.js';

import { email } from './email.js';
import { opsgenie } from './opsgenie.js';
import { pagerduty } from './pagerduty.js';
import { slack } from './slack.js';

/** Forgets an integration's config type: the loader hands parse's result straight back to create. */
const erased = <C>(t: IntegrationType<C>): IntegrationType => t as unknown as IntegrationType;

export const integrationTypes: readonly IntegrationType[] = [erased(email), erased(slack), erased(pagerduty), erased(opsgenie)];
