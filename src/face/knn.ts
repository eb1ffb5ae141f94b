// Learning a performer's faces from examples, as Wekinator performers do: a
// k-nearest-neighbour vote over the 7 action-unit proxies (already 0..1, so no
// further scaling), giving each label the share of the k votes it won.

import type { FaceExample } from "./profile.ts";

export class KnnClassifier {
  readonly labels: string[];
  private readonly examples: FaceExample[];
  private readonly k: number;

  constructor(examples: FaceExample[], k = 5) {
    if (examples.length === 0) throw new Error("a k-nearest-neighbour classifier needs examples");
    this.examples = examples;
    this.k = Math.min(k, examples.length);
    this.labels = [...new Set(examples.map((e) => e.label))];
  }

  /** Share of the k nearest examples per label (0..1, summing to 1). */
  scores(au: number[]): Record<string, number> {
    const nearest = this.examples
      .map((e) => ({ label: e.label, d: e.au.reduce((s, v, i) => s + (v - au[i]!) ** 2, 0) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, this.k);
    const scores: Record<string, number> = Object.fromEntries(this.labels.map((l) => [l, 0]));
    for (const n of nearest) scores[n.label]! += 1 / this.k;
    return scores;
  }
}
