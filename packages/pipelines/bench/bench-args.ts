/**
 * The options of a bench script's command line: `--name value`, or a bare `--flag` (followed by another option or
 * nothing), read as 'true'. Absent options are absent keys.
 */
export function benchArgs(argv: readonly string[] = process.argv.slice(2)): Record<string, string> {
  const args: Record<string, string> = {};
  argv.forEach((arg, i) => {
    if (!arg.startsWith('--')) return;
    const next = argv[i + 1];
    args[arg.slice(2)] = next === undefined || next.startsWith('--') ? 'true' : next;
  });
  return args;
}
