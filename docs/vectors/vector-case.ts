/** One case of docs/vectors/tap-vectors.json: a presentation and the verdict a terminal must reach. */
export interface VectorCase {
  name: string;
  credential: string;
  proof: string;
  amountFen?: number;
  deny?: { cards: string[]; devices: string[] };
  expected: string;
}
