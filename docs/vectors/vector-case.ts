/** One case of docs/vectors/tap-vectors.json: a presentation and the verdict a terminal must reach. */
export interface VectorCase {
  name: string;
  credential: string;
  proof: string;
  amountFen?: number;
  deny?: { cards: string[]; devices: string[] };
  /** The tap's own time when it is not the file's `at` (an offline tap; a terminal clock ahead). */
  at?: string;
  expected: string;
}
