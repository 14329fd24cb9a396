// buildProgram(argv) registers only the command the argv names (program.ts): the same command,
// options and help as the whole program has, and the whole program whenever the argv names none.
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram, commandNamed, COMMANDS } from './program.ts';

const argv = (...args: string[]): string[] => ['node', 'quickship', ...args];
const namesOf = (command: Command): string[] => [command.name(), ...command.aliases()];

describe('buildProgram', () => {
  const whole = buildProgram();

  it('knows each command by the names its module registers, in help order', () => {
    expect(COMMANDS.map(([names]) => names)).toEqual(whole.commands.map(namesOf));
  });

  it('given an argv naming a command, registers that one alone, with the same help', () => {
    for (const command of whole.commands) {
      for (const name of namesOf(command)) {
        const lazy = buildProgram(argv(name, '--help'));
        expect(lazy.commands.map((c) => c.name())).toEqual([command.name()]);
        expect(lazy.commands[0]!.helpInformation()).toBe(command.helpInformation());
        // Subcommands (app list, set image…) come along whole.
        expect(lazy.commands[0]!.commands.map((c) => c.helpInformation())).toEqual(
          command.commands.map((c) => c.helpInformation()),
        );
      }
    }
  });

  it('registers every command for help, a usage error or an unknown name', () => {
    for (const args of [[], ['--help'], ['help', 'lint'], ['lnt'], ['-x', 'lint'], ['--', 'lint']])
      expect(buildProgram(argv(...args)).commands.map(namesOf)).toEqual(whole.commands.map(namesOf));
  });
});

describe('commandNamed', () => {
  it('skips the global options and their values', () => {
    expect(commandNamed(argv('lint', '--no-cache'))).toBe('lint');
    expect(commandNamed(argv('--api', 'http://127.0.0.1:7071', 'status'))).toBe('status');
    expect(commandNamed(argv('--api=http://127.0.0.1:7071', 'get'))).toBe('get');
    expect(commandNamed(argv('--context', 'kind', '-n', 'payments', 'promote'))).toBe('promote');
    expect(commandNamed(argv('--kubeconfig', '/k', '--namespace', 'p', 'app', 'list'))).toBe('app');
  });

  it('names nothing for help, unknown names or options', () => {
    for (const args of [[], ['--help'], ['-h'], ['help', 'lint'], ['lnt'], ['--verbose', 'lint'], ['--api']])
      expect(commandNamed(argv(...args))).toBeUndefined();
  });
});
