/** Where CLI commands write; injectable so commands can be run in-process by tests. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Records the command's exit status (the process exits with it once the event loop is empty). */
  readonly setExitCode: (code: number) => void;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

/** Exit codes shared by all commands. */
export const EXIT = { ok: 0, usage: 1, config: 2 } as const;
