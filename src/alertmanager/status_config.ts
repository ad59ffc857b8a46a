// The config text /api/v2/status shows: the file's YAML with every secret replaced by
// `<secret>`, as Alertmanager never shows a secret.
import { parseDocument, isPair, isScalar, visit } from 'yaml';

const SECRET_KEYS = new Set([
  'password',
  'credentials',
  'bearer_token',
  'client_secret',
  'smtp_auth_password',
  'smtp_auth_secret',
  'auth_password',
  'auth_secret',
  'slack_api_url',
  'api_url',
  'api_key',
  'opsgenie_api_key',
  'victorops_api_key',
  'wechat_api_secret',
  'api_secret',
  'routing_key',
  'service_key',
  'user_key',
  'token',
  'bot_token',
  'webhook_url',
  'secret_key',
]);

export function maskedConfigText(text: string): string {
  const doc = parseDocument(text);
  visit(doc, {
    Pair(_, pair) {
      if (
        isPair(pair) &&
        isScalar(pair.key) &&
        SECRET_KEYS.has(String(pair.key.value)) &&
        isScalar(pair.value) &&
        pair.value.value !== null &&
        pair.value.value !== ''
      ) {
        pair.value.value = '<secret>';
      }
    },
  });
  return doc.toString();
}
