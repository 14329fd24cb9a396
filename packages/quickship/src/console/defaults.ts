// The console's default port, on its own so that `quickship --help` and every command that only
// declares its options do not load the console server (node:http, node:crypto) to read it.
export const DEFAULT_CONSOLE_PORT = 3100;
