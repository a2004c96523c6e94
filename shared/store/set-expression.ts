import { invariant } from '../errors';
import type { Item } from './items';

/**
 * An update that sets these attributes, each under a placeholder name and value (`#s0 = :s0`, ...),
 * so that no attribute name collides with a reserved word. Names and values are returned apart, for a
 * caller that adds its condition's own.
 */
export function setExpression(sets: Item): {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
} {
  const entries = Object.entries(sets);
  invariant(entries.length > 0, 'an update sets something');
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts = entries.map(([attr, value], i) => {
    names[`#s${i}`] = attr;
    values[`:s${i}`] = value;
    return `#s${i} = :s${i}`;
  });
  return {
    UpdateExpression: `SET ${parts.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
