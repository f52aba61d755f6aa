import type * as tfType from '@tensorflow/tfjs';

type Tf = typeof tfType;

export interface AdamWOptions {
  learningRate: number;
  /** Decoupled weight decay λ: w ← w − lr·λ·w, separate from the gradient (Loshchilov & Hutter). */
  weightDecay: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export interface AdamWParam {
  readonly key: string;
  readonly variable: tfType.Variable;
}

/** Optimiser state as plain arrays, for checkpoints. */
export interface AdamWState {
  readonly step: number;
  /** First and second moments per variable name. */
  readonly moments: Record<string, { m: Float32Array; v: Float32Array }>;
}

/**
 * Adam with decoupled weight decay, as torch.optim.AdamW computes it:
 *   w ← w·(1 − lr·λ);  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;
 *   w ← w − lr · (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε)
 * Decay applies to the variables `decays(name)` selects (kernels by default, not biases or batch-norm).
 */
export class AdamW {
  learningRate: number;
  readonly weightDecay: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private t = 0;
  private readonly m = new Map<string, tfType.Variable>();
  private readonly v = new Map<string, tfType.Variable>();

  constructor(private readonly tf: Tf, options: AdamWOptions, private readonly decays: (name: string, rank: number) => boolean = (_n, rank) => rank > 1) {
    this.learningRate = options.learningRate;
    this.weightDecay = options.weightDecay;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
  }

  get step(): number {
    return this.t;
  }

  /**
   * One update. `params` name each variable with a stable key (state is stored under it, so a rebuilt model can
   * resume); `grads` are keyed by `variable.name` as tf.variableGrads returns them. Gradients are not disposed.
   */
  applyGradients(params: readonly AdamWParam[], grads: Record<string, tfType.Tensor>): void {
    const { tf } = this;
    this.t += 1;
    const lr = this.learningRate;
    const bc1 = 1 - this.beta1 ** this.t;
    const bc2 = 1 - this.beta2 ** this.t;
    for (const { key, variable } of params) {
      const g = grads[variable.name];
      if (g === undefined) continue;
      const m = this.moment(this.m, key, variable);
      const v = this.moment(this.v, key, variable);
      tf.tidy(() => {
        const mNew = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
        const vNew = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        m.assign(mNew);
        v.assign(vNew);
        const decay = this.weightDecay > 0 && this.decays(key, variable.rank) ? 1 - lr * this.weightDecay : 1;
        const update = tf.div(tf.mul(mNew, lr / bc1), tf.add(tf.sqrt(tf.div(vNew, bc2)), this.epsilon));
        variable.assign(tf.sub(decay === 1 ? variable : tf.mul(variable, decay), update));
      });
    }
  }

  getState(): AdamWState {
    const moments: Record<string, { m: Float32Array; v: Float32Array }> = {};
    for (const [name, m] of this.m) {
      moments[name] = { m: (m.dataSync() as Float32Array).slice(), v: (this.v.get(name)!.dataSync() as Float32Array).slice() };
    }
    return { step: this.t, moments };
  }

  setState(state: AdamWState, params: readonly AdamWParam[]): void {
    this.t = state.step;
    for (const { key, variable } of params) {
      const s = state.moments[key];
      if (!s) continue;
      this.tf.tidy(() => {
        this.moment(this.m, key, variable).assign(this.tf.tensor(s.m, variable.shape));
        this.moment(this.v, key, variable).assign(this.tf.tensor(s.v, variable.shape));
      });
    }
  }

  dispose(): void {
    for (const x of [...this.m.values(), ...this.v.values()]) x.dispose();
    this.m.clear();
    this.v.clear();
  }

  private moment(store: Map<string, tfType.Variable>, key: string, variable: tfType.Variable): tfType.Variable {
    let x = store.get(key);
    if (!x) {
      x = this.tf.tidy(() => this.tf.variable(this.tf.zeros(variable.shape), false));
      store.set(key, x);
    }
    return x;
  }
}
