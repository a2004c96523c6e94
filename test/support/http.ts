/** Response bodies in tests are asserted field by field, so they are read loosely typed. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions inspect arbitrary JSON
export type Json = any;

export async function body(res: Response): Promise<Json> {
  return res.json();
}
