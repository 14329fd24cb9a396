// The process an instance runs: Kubernetes' rules for `command`/`args` over the image's
// ENTRYPOINT/CMD (kubernetes.io "Define a Command and Arguments for a Container"):
//   neither      -> ENTRYPOINT + CMD
//   command only -> command            (CMD ignored)
//   args only    -> ENTRYPOINT + args
//   both         -> command + args
// `node` runs as the engine's own Node binary, so a PATH difference cannot change the runtime.

export function containerCommand(
  image: { readonly entrypoint: readonly string[]; readonly cmd: readonly string[] },
  container: { readonly command?: readonly string[]; readonly args?: readonly string[] },
  nodeBinary: string = process.execPath,
): { readonly file: string; readonly args: readonly string[] } {
  const argv = container.command
    ? [...container.command, ...(container.args ?? [])]
    : [...image.entrypoint, ...(container.args ?? image.cmd)];
  const [file, ...args] = argv;
  if (file === undefined)
    throw new Error(
      'the container has no command: the image has no ENTRYPOINT/CMD and the spec sets neither command nor args',
    );
  return { file: file === 'node' ? nodeBinary : file, args };
}
