// Every integration kind a receiver may name; the config loader and the dispatcher loop over
// this list, so adding an integration is its own file plus one line here.
import type { IntegrationType } from './integration.js';
import { webhookType } from './webhook.js';

import { discord } from './discord.js';
import { email } from './email.js';
import { opsgenie } from './opsgenie.js';
import { pagerduty } from './pagerduty.js';
import { pushover } from './pushover.js';
import { slack } from './slack.js';
import { sns } from './sns.js';
import { telegram } from './telegram.js';
import { victorops } from './victorops.js';
import { webex } from './webex.js';
import { wechat } from './wechat.js';

/** Forgets an integration's config type: the loader hands parse's result straight back to create. */
const erased = <C>(t: IntegrationType<C>): IntegrationType => t as unknown as IntegrationType;

export const integrationTypes: readonly IntegrationType[] = [
  erased(webhookType),
  erased(email),
  erased(pagerduty),
  erased(slack),
  erased(opsgenie),
  erased(wechat),
  erased(pushover),
  erased(victorops),
  erased(telegram),
  erased(discord),
  erased(webex),
  erased(sns),
];
