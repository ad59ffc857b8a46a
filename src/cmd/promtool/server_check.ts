// promtool-ts check healthy|ready --url=…: asks a server's /-/healthy or /-/ready.
export async function checkEndpoint(args: string[], path: string): Promise<number> {
  const urlArg =
    args.find((a) => a.startsWith('--url='))?.slice('--url='.length) ?? 'http://localhost:9090';
  const url = new URL(path, urlArg.endsWith('/') ? urlArg : urlArg + '/');
  try {
    const res = await fetch(url);
    const body = (await res.text()).trim();
    if (res.status !== 200) {
      process.stderr.write(`  FAILED: check failed: URL=${url} status=${res.status}\n`);
      return 1;
    }
    process.stdout.write(`  SUCCESS: ${body}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`  FAILED: ${(e as Error).message}\n`);
    return 1;
  }
}
