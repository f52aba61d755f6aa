import type * as Tf from '@tensorflow/tfjs';
import type { TfModule } from '../tfjs-loader';

/** Registered tfjs class name of the hard-swish layer (appears in model.json, ONNX export and training graphs). */
export const HARD_SWISH_CLASS = 'NoiseClassifierHardSwish';

type LayerCtor = new (args: { name?: string }) => Tf.layers.Layer;
const classes = new WeakMap<object, LayerCtor>();

/**
 * Hard swish, `x · relu6(x + 3) / 6` (MobileNetV3; PyTorch's `nn.Hardswish`, ONNX `HardSwish`). tfjs has no such
 * activation — its `hardSigmoid` is 0.2·x + 0.5, a different curve — so it is a small layer of its own, created per
 * tfjs module and registered for model.json round trips. Gradients come from tfjs's autodiff of the same formula.
 */
export function hardSwishLayer(tf: TfModule, args: { name?: string } = {}): Tf.layers.Layer {
  return new (hardSwishClass(tf))(args);
}

export function hardSwishClass(tf: TfModule): LayerCtor {
  let Ctor = classes.get(tf);
  if (Ctor === undefined) {
    class HardSwish extends tf.layers.Layer {
      static className = HARD_SWISH_CLASS;

      override call(inputs: Tf.Tensor | Tf.Tensor[]): Tf.Tensor {
        const x = Array.isArray(inputs) ? inputs[0]! : inputs;
        return tf.tidy(() => tf.div(tf.mul(x, tf.relu6(tf.add(x, 3))), 6));
      }

      override computeOutputShape(inputShape: Tf.Shape | Tf.Shape[]): Tf.Shape | Tf.Shape[] {
        return inputShape;
      }
    }
    tf.serialization.registerClass(HardSwish);
    Ctor = HardSwish;
    classes.set(tf, Ctor);
  }
  return Ctor;
}
