// Every integration kind a receiver may name; the config loader and the dispatcher loop over
// this list, so adding an integration is its own file plus one line here.
import type { IntegrationType } from './integration.js';
import { webhookType } from './webhook.js';

export const integrationTypes: readonly IntegrationType[] = [webhookType as IntegrationType];
