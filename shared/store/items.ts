import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { z } from 'zod';
import { InvariantError } from '../errors';

/** The table's primary key: every item is named by its partition and sort key. */
export type ItemKey = { pk: string; sk: string };
/** An item's attributes as DynamoDB hands them over, before they are parsed. */
export type Item = Record<string, unknown>;
/** One write of a transaction (TransactWriteItems). */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * A kind of stored item: its name and how a read turns the stored attributes into it, once, where it
 * is read. An item that does not parse is a defect (an item written by other code, or a migration
 * missed): the read fails loudly instead of handing a wrong shape on.
 */
export interface ItemKind<T> {
  readonly name: string;
  parse(item: Item): T;
}

/** An item kind from a zod schema; the schema keeps the attributes it names and drops the rest. */
export function itemKind<S extends z.ZodType>(name: string, schema: S): ItemKind<z.output<S>> & { schema: S } {
  return {
    name,
    schema,
    parse(item) {
      const parsed = schema.safeParse(item);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new InvariantError(`a stored ${name} item does not parse: ${issue?.path.join('.')} ${issue?.message}`);
      }
      return parsed.data;
    },
  };
}

/** The item of a read, parsed, or undefined if there is none. */
export const parsedOrNone = <T>(kind: ItemKind<T>, item: Item | undefined): T | undefined =>
  item === undefined ? undefined : kind.parse(item);
