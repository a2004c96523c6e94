import { InvariantError } from '../errors';
import type { Item } from './items';

/**
 * A stored item's attributes, read by their type where the item is parsed: a missing or mistyped
 * attribute is a defect (an item written by other code, a migration missed), said with the item's
 * kind, never a wrong value handed on.
 */
/** A DynamoDB map (an object, not a list). */
export const isMap = (value: unknown): value is Item =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function attributes(item: Item, kind: string) {
  const wrong = (name: string, want: string): never => {
    throw new InvariantError(`a stored ${kind} item's ${name} is not ${want}`);
  };
  const str = (name: string): string => {
    const value = item[name];
    return typeof value === 'string' ? value : wrong(name, 'a string');
  };
  const num = (name: string): number => {
    const value = item[name];
    return typeof value === 'number' && Number.isFinite(value) ? value : wrong(name, 'a number');
  };
  const int = (name: string): number => {
    const value = num(name);
    return Number.isSafeInteger(value) ? value : wrong(name, 'a whole number');
  };
  const has = (name: string) => item[name] !== undefined && item[name] !== null;
  return {
    /** The item as read. */
    item,
    str,
    num,
    int,
    has,
    bool: (name: string): boolean => {
      const value = item[name];
      return typeof value === 'boolean' ? value : wrong(name, 'true or false');
    },
    optStr: (name: string): string | undefined => (has(name) ? str(name) : undefined),
    optInt: (name: string): number | undefined => (has(name) ? int(name) : undefined),
    /** A whole number, 0 when the item has none (a count or a sum not begun). */
    intOr0: (name: string): number => (has(name) ? int(name) : 0),
    oneOf: <T extends string>(name: string, values: readonly T[]): T => {
      const value = str(name);
      const known = values.find((v) => v === value);
      return known ?? wrong(name, `one of ${values.join(', ')}`);
    },
    /** A map attribute whose values `parse` reads; missing reads as empty. */
    record: <T>(name: string, parse: (value: unknown, key: string) => T): Record<string, T> => {
      if (!has(name)) return {};
      const value = item[name];
      if (!isMap(value)) return wrong(name, 'a map');
      return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, parse(v, key)]));
    },
    /** A list attribute whose elements `parse` reads; missing reads as empty. */
    list: <T>(name: string, parse: (value: unknown, index: number) => T): T[] => {
      if (!has(name)) return [];
      const value = item[name];
      return Array.isArray(value) ? value.map(parse) : wrong(name, 'a list');
    },
    /** The item itself, for a nested map read the same way. */
    nested: (name: string) => {
      const value = item[name];
      return isMap(value) ? attributes(value, `${kind}.${name}`) : wrong(name, 'a map');
    },
  };
}

export type Attributes = ReturnType<typeof attributes>;

/** A number from a map's value (a count, an amount in fen), or the defect it is. */
export function wholeNumber(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  throw new InvariantError(`${what} is not a whole number`);
}
