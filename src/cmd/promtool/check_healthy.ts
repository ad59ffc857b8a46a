import { checkEndpoint } from './server_check.js';

export function run(args: string[]): Promise<number> {
  return checkEndpoint(args, '-/healthy');
}
