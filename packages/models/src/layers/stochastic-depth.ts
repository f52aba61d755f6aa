import type * as Tf from '@tensorflow/tfjs';
import type { TfModule } from '../tfjs-loader';
import { hardSwishClass } from './hard-swish';

/** Registered tfjs class name of the stochastic-depth layer (appears in model.json and in ONNX export). */
export const STOCHASTIC_DEPTH_CLASS = 'NoiseClassifierStochasticDepth';

export interface StochasticDepthArgs {
  readonly rate: number;
  readonly name?: string;
}

type LayerCtor = new (args: StochasticDepthArgs) => Tf.layers.Layer;
const classes = new WeakMap<object, LayerCtor>();

/**
 * Stochastic depth ("drop path") for a residual branch: during training each sample's branch is dropped with
 * probability `rate` and survivors are scaled by 1/(1-rate); at inference it is the identity.
 * The class is created per tfjs module (tfjs is loaded lazily) and registered for model.json round-trips.
 */
export function stochasticDepthLayer(tf: TfModule, args: StochasticDepthArgs): Tf.layers.Layer {
  const Ctor = stochasticDepthClass(tf);
  return new Ctor(args);
}

function stochasticDepthClass(tf: TfModule): LayerCtor {
  let Ctor = classes.get(tf);
  if (Ctor === undefined) {
    class StochasticDepth extends tf.layers.Layer {
      static className = STOCHASTIC_DEPTH_CLASS;
      readonly rate: number;

      constructor(config: StochasticDepthArgs) {
        super(config);
        this.rate = config.rate;
      }

      override call(inputs: Tf.Tensor | Tf.Tensor[], kwargs: { training?: boolean }): Tf.Tensor {
        const x = Array.isArray(inputs) ? inputs[0]! : inputs;
        if (kwargs.training !== true || this.rate <= 0) return tf.clone(x);
        return tf.tidy(() => {
          const keep = 1 - this.rate;
          const maskShape = [x.shape[0]!, ...x.shape.slice(1).map(() => 1)];
          const mask = tf.floor(tf.add(tf.randomUniform(maskShape), keep));
          return tf.mul(tf.div(x, keep), mask);
        });
      }

      override computeOutputShape(inputShape: Tf.Shape | Tf.Shape[]): Tf.Shape | Tf.Shape[] {
        return inputShape;
      }

      override getConfig(): Tf.serialization.ConfigDict {
        return { ...super.getConfig(), rate: this.rate };
      }
    }
    tf.serialization.registerClass(StochasticDepth);
    Ctor = StochasticDepth;
    classes.set(tf, Ctor);
  }
  return Ctor;
}

/** Registers our custom layers with tfjs so model.json files that use them can be loaded. */
export function registerCustomLayers(tf: TfModule): void {
  stochasticDepthClass(tf);
  hardSwishClass(tf);
}
