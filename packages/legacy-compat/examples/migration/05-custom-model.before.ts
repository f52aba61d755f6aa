import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { NoiseClassifierTrainer } from '@noise-classifier/legacy-compat';
import { CLASSES, syntheticSplits } from './05-custom-model.data';

await tf.setBackend('wasm'); // WebAssembly: several times faster than the pure-JS 'cpu' backend

// The seed's CustomNoiseClassifier: Linear 512, ReLU, Dropout 0.3, Linear 256, ReLU, Dropout 0.3, Linear numClasses.
class CustomNoiseClassifier extends tf.Sequential {
  constructor(
    readonly inputDim: number,
    readonly numClasses: number,
  ) {
    super({
      layers: [
        tf.layers.dense({ inputShape: [inputDim], units: 512, activation: 'relu' }),
        tf.layers.dropout({ rate: 0.3 }),
        tf.layers.dense({ units: 256, activation: 'relu' }),
        tf.layers.dropout({ rate: 0.3 }),
        tf.layers.dense({ units: numClasses }), // logits, as nn.Linear
      ],
    });
  }
}

const { train, val, test } = syntheticSplits(); // 80-dim MFCC statistics, 5 classes
const model = new CustomNoiseClassifier(80, CLASSES.length);
const trainer = new NoiseClassifierTrainer(model);
const history = await trainer.train(train, val, { num_epochs: 15, batch_size: 8, learning_rate: 1e-3 });

const probabilities = await trainer.predict(test.features);
const correct = probabilities.filter((p, i) => p.indexOf(Math.max(...p)) === test.labels[i]).length;
console.log(`loss fell: ${history.train_loss.at(-1)! < history.train_loss[0]!}`);
// Training is not seeded here, so the exact count varies from run to run; print what any good run shows.
console.log(`held-out accuracy ≥ 90%: ${correct / test.labels.length >= 0.9}`);
