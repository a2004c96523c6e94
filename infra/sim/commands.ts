/**
 * The simulator's commands, by who plays them: each one step a phone, a terminal, a payee or the
 * operator takes, through the typed client and the project's signing and verification code. A command
 * reads what it needs from the state and returns what it printed for a person, or throws.
 */
import type { SimCommand } from './context';
import { OPERATOR_COMMANDS } from './operator-commands';
import { PAYEE_COMMANDS } from './payee-commands';
import { PHONE_COMMANDS } from './phone-commands';
import { TERMINAL_COMMANDS } from './terminal-commands';

export { SimRefusedError, SimUsageError } from './context';

/** The roles, in the order the help shows them. */
export const ROLES: { title: string; commands: Record<string, SimCommand> }[] = [
  { title: "the citizen's phone", commands: PHONE_COMMANDS },
  { title: 'terminals: validators, POS, gates, outlet counters', commands: TERMINAL_COMMANDS },
  { title: 'payees and agencies: billers, merchants, civil affairs (machine clients too)', commands: PAYEE_COMMANDS },
  { title: 'the operator (ONECARD_ADMIN_TOKEN)', commands: OPERATOR_COMMANDS },
];

export const COMMANDS: Record<string, SimCommand> = Object.assign({}, ...ROLES.map((role) => role.commands));
